/**
 * Every framework layout: detection, order, up/down sections and transaction mode, on small histories
 * laid out as each framework writes them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectFramework, loadHistory, UnknownFrameworkError } from '../../server/src/engine/history/load';
import type { History, MigrationSource } from '../../server/src/engine/history/types';
import { compareVersions } from '../../server/src/engine/history/version';

const source = (files: Record<string, string>): MigrationSource => ({ list: () => Object.keys(files), read: (p) => files[p] });

function section(files: Record<string, string>, history: History, index: number, direction: 'up' | 'down' = 'up'): string {
  const m = direction === 'up' ? history.migrations[index] : [...history.downs.values()][index];
  return m.sections.map((s) => files[m.path].slice(s.start, s.end)).join('').trim();
}

describe('migration history layouts', () => {
  it('flyway: versions with underscores, undo, repeatable last, .conf turns the transaction off', () => {
    const files = {
      'V10__late.sql': 'SELECT 10;',
      'V2__add_users.sql': 'CREATE TABLE users (id int);',
      'V1_1__init.sql': 'SELECT 1;',
      'V2__add_users.sql.conf': 'executeInTransaction=false\n',
      'U2__add_users.sql': 'DROP TABLE users;',
      'R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1;',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'flyway');
    assert.deepEqual(h.migrations.map((m) => m.version), ['1.1', '2', '10', 'R__views']);
    assert.equal(h.migrations[1].transaction, 'none');
    assert.match(h.migrations[1].transactionReason, /executeInTransaction=false/);
    assert.equal(h.migrations[0].transaction, 'wrapped');
    assert.equal(h.downs.get('2')?.path, 'U2__add_users.sql');
    assert.equal(h.migrations[3].repeatable, true);
  });

  it('liquibase: each changeset is a migration; runInTransaction:false', () => {
    const files = {
      'changelog.sql': '--liquibase formatted sql\n--changeset ana:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n--changeset ana:2 runInTransaction:false\nCREATE INDEX CONCURRENTLY i ON a (id);\n',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'liquibase');
    assert.deepEqual(h.migrations.map((m) => [m.name, m.transaction]), [['ana:1', 'wrapped'], ['ana:2', 'none']]);
    assert.equal(section(files, h, 0), 'CREATE TABLE a (id int);\n--rollback DROP TABLE a;');
    assert.equal(section(files, h, 1), 'CREATE INDEX CONCURRENTLY i ON a (id);');
  });

  it('golang-migrate: up/down files, implicit transaction', () => {
    const files = { 'db/2_b.up.sql': 'SELECT 2;', 'db/1_a.up.sql': 'SELECT 1;', 'db/1_a.down.sql': 'SELECT -1;' };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'golang-migrate');
    assert.deepEqual(h.migrations.map((m) => m.path), ['db/1_a.up.sql', 'db/2_b.up.sql']);
    assert.equal(h.migrations[0].transaction, 'none', 'a single statement runs outside a transaction block');
    assert.equal(h.downs.get('1')?.path, 'db/1_a.down.sql');
    const multi = loadHistory(source({ '1_a.up.sql': 'SELECT 1;\nSELECT 2;' }));
    assert.equal(multi.migrations[0].transaction, 'implicit');
  });

  it('dbmate: sections, transaction:false', () => {
    const files = {
      '20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id int);\n\n-- migrate:down\nDROP TABLE users;\n',
      '20240102000000_idx.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON users (id);\n-- migrate:down\nDROP INDEX i;\n',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'dbmate');
    assert.equal(section(files, h, 0), 'CREATE TABLE users (id int);');
    assert.equal(section(files, h, 0, 'down'), 'DROP TABLE users;');
    assert.deepEqual(h.migrations.map((m) => m.transaction), ['wrapped', 'none']);
  });

  it('goose: Up/Down markers and NO TRANSACTION', () => {
    const files = {
      '00001_users.sql': '-- +goose Up\nCREATE TABLE users (id int);\n-- +goose Down\nDROP TABLE users;\n',
      '00002_idx.sql': '-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON users (id);\n',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'goose');
    assert.deepEqual(h.migrations.map((m) => [m.version, m.transaction]), [['00001', 'wrapped'], ['00002', 'none']]);
    assert.equal(section(files, h, 0, 'down'), 'DROP TABLE users;');
  });

  it('prisma: folder per migration; a single statement runs without a transaction', () => {
    const files = {
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);',
      'prisma/migrations/20240102000000_idx/migration.sql': '-- CreateIndex\nCREATE INDEX CONCURRENTLY i ON a (id);\n',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'prisma');
    assert.deepEqual(h.migrations.map((m) => [m.name, m.transaction]), [['init', 'wrapped'], ['idx', 'none']]);
  });

  it('supabase: implicit transaction', () => {
    const h = loadHistory(source({ 'supabase/migrations/20240101000000_init.sql': 'SELECT 1; SELECT 2;' }));
    assert.equal(h.framework, 'supabase');
    assert.equal(h.migrations[0].transaction, 'implicit');
  });

  it('sqitch: plan order, deploy and revert, scripts own their transactions', () => {
    const files = {
      'sqitch.plan': '%syntax-version=1.0.0\n%project=app\n\nusers 2024-01-01T00:00:00Z Ana <ana@example.com> # users\n@v1 2024-01-02T00:00:00Z Ana <ana@example.com>\nemails [users] 2024-01-03T00:00:00Z Ana <ana@example.com>\n',
      'deploy/users.sql': 'BEGIN; CREATE TABLE users (id int); COMMIT;',
      'revert/users.sql': 'BEGIN; DROP TABLE users; COMMIT;',
      'deploy/emails.sql': 'BEGIN; CREATE TABLE emails (id int); COMMIT;',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'sqitch');
    assert.deepEqual(h.migrations.map((m) => m.name), ['users', 'emails']);
    assert.equal(h.migrations[0].transaction, 'none');
    assert.equal([...h.downs.values()][0].path, 'revert/users.sql');
  });

  it('atlas: atlas.sum and txmode none', () => {
    const files = { 'atlas.sum': 'h1:abc=', '20240101000000_a.sql': 'SELECT 1;', '20240102000000_b.sql': '-- atlas:txmode none\nCREATE INDEX CONCURRENTLY i ON a (id);' };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'atlas');
    assert.deepEqual(h.migrations.map((m) => m.transaction), ['wrapped', 'none']);
  });

  it('diesel: folders with up/down and metadata.toml', () => {
    const files = {
      'migrations/2019-02-26-002946_create_user/up.sql': 'CREATE TABLE users (id int);',
      'migrations/2019-02-26-002946_create_user/down.sql': 'DROP TABLE users;',
      'migrations/2019-03-01-000000_idx/up.sql': 'CREATE INDEX CONCURRENTLY i ON users (id);',
      'migrations/2019-03-01-000000_idx/metadata.toml': 'run_in_transaction = false\n',
      'migrations/20190101000000_older_without_dashes/up.sql': 'SELECT 1;',
    };
    const h = loadHistory(source(files));
    assert.equal(h.framework, 'diesel');
    assert.deepEqual(h.migrations.map((m) => [m.version, m.transaction]), [['20190101000000', 'wrapped'], ['20190226002946', 'wrapped'], ['20190301000000', 'none']]);
    assert.equal(h.downs.get('20190226002946')?.path, 'migrations/2019-02-26-002946_create_user/down.sql');
  });

  it('plain: numbered files and versioned folders, no transaction', () => {
    const h = loadHistory(source({ '002-b.sql': 'SELECT 2;', '001-a.sql': 'SELECT 1;', 'versioned/v1.10/x.sql': 'SELECT 3;', 'versioned/v1.2/y.sql': 'SELECT 4;' }));
    assert.equal(h.framework, 'plain');
    assert.deepEqual(h.migrations.map((m) => m.path), ['001-a.sql', 'versioned/v1.2/y.sql', 'versioned/v1.10/x.sql', '002-b.sql']);
    assert.equal(h.migrations[0].transaction, 'none');
  });

  it('a forced framework wins over detection; an unknown one is a clear error', () => {
    const s = source({ '1_a.up.sql': 'SELECT 1;' });
    assert.equal(detectFramework(s), 'golang-migrate');
    assert.equal(loadHistory(s, 'plain').framework, 'plain');
    assert.throws(() => loadHistory(s, 'rails'), (e: Error) => e instanceof UnknownFrameworkError && /unknown migration framework "rails"/.test(e.message));
  });

  it('orders versions numerically, part by part', () => {
    const sorted = ['10', '9', '1.10', '1.9', '2019-02-26-002946', '00000000000000'].sort(compareVersions);
    assert.deepEqual(sorted, ['00000000000000', '1.9', '1.10', '9', '10', '2019-02-26-002946']);
  });
});
