/**
 * Linting a history: the framework decides the transaction, and after an edit the incremental index
 * gives exactly the findings of a full re-lint while re-linting only what the edit can affect.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser, ParseCache, resolveConfig, type Finding } from '../../server/src/engine/index';
import { HistoryIndex } from '../../server/src/engine/history/history-index';
import { lintHistory } from '../../server/src/engine/history/lint-history';
import { loadHistory } from '../../server/src/engine/history/load';
import type { MigrationSource } from '../../server/src/engine/history/types';
import { FolderMigrationSource } from '../../server/src/node/migration-source';
import { lintForTest } from '../rules/tester';

const config = resolveConfig();
const sourceOf = (files: Record<string, string>): MigrationSource => ({ list: () => Object.keys(files), read: (p) => files[p] });
const summary = (findings: Finding[]) => findings.map((f) => `${f.rule}@${f.range.start}-${f.range.end}:${f.messageId}:${f.message}`);

/** Findings per path from a full lint of the files, to compare the incremental index with. */
function fullLint(source: MigrationSource): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of lintHistory(loadHistory(source), source, config).migrations) out.set(m.migration.path, [...(out.get(m.migration.path) ?? []), ...summary(m.result.findings)]);
  return out;
}

function indexed(index: HistoryIndex): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of index.results()) out.set(m.migration.path, [...(out.get(m.migration.path) ?? []), ...summary(m.result.findings)]);
  return out;
}

const HISTORY: Record<string, string> = {
  'V1__users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, fullname text, email text, org_id bigint);\nCREATE TABLE orgs (id bigint PRIMARY KEY, name text);',
  'V2__view.sql': 'CREATE VIEW user_emails AS SELECT u.id, u.email FROM users u;',
  'V3__fk.sql': 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;',
  'V4__full_name.sql': 'ALTER TABLE users ADD COLUMN full_name text;',
  'V5__orgs_index.sql': 'CREATE INDEX CONCURRENTLY orgs_name ON orgs (name);',
  'V6__email.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
  'V7__drop.sql': 'ALTER TABLE users DROP COLUMN email;',
  'V8__orgs.sql': 'ALTER TABLE orgs ADD COLUMN slug text;',
  'V9__swap.sql': 'ALTER TABLE users DROP COLUMN fullname;\nALTER TABLE users RENAME COLUMN full_name TO fullname;',
};

describe('history linting', () => {
  before(() => loadPostgresParser());

  it('golang-migrate sends a file as one implicit transaction: CREATE INDEX CONCURRENTLY fails there', () => {
    const found = lintForTest({
      files: { '1_users.up.sql': 'CREATE TABLE users (id bigint, email text);' },
      path: '2_email_index.up.sql',
      sql: "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY users_email ON users (email);",
    });
    assert.deepEqual(found.filter((f) => f.rule === 'concurrently-in-transaction').map((f) => f.line), [2]);
  });

  it('dbmate with transaction:false runs CREATE INDEX CONCURRENTLY outside a transaction', () => {
    const found = lintForTest({
      files: { '20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id bigint, email text);\n-- migrate:down\nDROP TABLE users;\n' },
      path: '20240102000000_email_index.sql',
      sql: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n-- migrate:down\nDROP INDEX users_email;\n',
    });
    assert.deepEqual(found.filter((f) => f.rule === 'concurrently-in-transaction'), []);
    assert.equal(found.filter((f) => f.rule === 'syntax-error').length, 0);
  });

  it('re-lints only the edited migration when its effect on the schema is unchanged', () => {
    const files = { ...HISTORY };
    const index = new HistoryIndex(loadHistory(sourceOf(files)), sourceOf(files), config);
    files['V4__full_name.sql'] = `-- the replacement of fullname\n${HISTORY['V4__full_name.sql']}`;
    assert.deepEqual(index.update('V4__full_name.sql', files['V4__full_name.sql']), ['V4__full_name.sql']);
    assert.deepEqual(indexed(index), fullLint(sourceOf(files)));
  });

  it('follows a changed schema into the later migrations that mention it, and matches a full lint after every edit', () => {
    const files = { ...HISTORY };
    const index = new HistoryIndex(loadHistory(sourceOf(files)), sourceOf(files), config);
    const edits: [string, string][] = [
      ['V2__view.sql', 'CREATE VIEW user_emails AS SELECT u.id FROM users u;'],
      ['V4__full_name.sql', 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;'],
      ['V1__users.sql', HISTORY['V1__users.sql'].replace('email text', 'email text NOT NULL')],
      ['V3__fk.sql', 'SELECT 1;'],
      ['V8__orgs.sql', 'ALTER TABLE orgs ADD COLUMN slug text;\nCREATE INDEX users_org ON users (org_id);'],
    ];
    for (const [path, text] of edits) {
      files[path] = text;
      const relinted = index.update(path, text);
      assert.ok(relinted.includes(path));
      assert.deepEqual(indexed(index), fullLint(sourceOf(files)), `after editing ${path}`);
    }
    // The view no longer reads email: only the migrations that mention users or the view were linted again.
    files['V2__view.sql'] = 'CREATE VIEW user_emails AS SELECT u.id, u.email FROM users u;';
    const relinted = index.update('V2__view.sql', files['V2__view.sql']);
    assert.ok(!relinted.includes('V5__orgs_index.sql'), `a migration about orgs only was re-linted: ${relinted.join(', ')}`);
    assert.deepEqual(indexed(index), fullLint(sourceOf(files)));
  });

  it('a later backfill makes an earlier SET NOT NULL be linted again', () => {
    const files: Record<string, string> = {
      '001_users.sql': 'CREATE TABLE users (id bigint, name text, email text);',
      '002_email.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      '003_other.sql': 'SELECT 1;',
    };
    const index = new HistoryIndex(loadHistory(sourceOf(files), 'plain'), sourceOf(files), config);
    const rule = () => index.result('002_email.sql')!.findings.filter((f) => f.rule === 'constrain-before-backfill').map((f) => f.messageId);
    assert.deepEqual(rule(), []);
    files['003_other.sql'] = 'UPDATE users SET email = name;';
    assert.ok(index.update('003_other.sql', files['003_other.sql']).includes('002_email.sql'));
    assert.deepEqual(rule(), ['beforeBackfill']);
  });

  it('an index a later migration builds answers an earlier foreign key, and editing it away brings the finding back', () => {
    const files: Record<string, string> = {
      '001_tables.sql': 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE TABLE users (id bigint PRIMARY KEY, org_id bigint);',
      '002_fk.sql': 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;',
      '003_index.sql': 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx ON users (org_id);',
    };
    const index = new HistoryIndex(loadHistory(sourceOf(files), 'plain'), sourceOf(files), config);
    const rule = () => index.result('002_fk.sql')!.findings.filter((f) => f.rule === 'fk-missing-index').length;
    assert.equal(rule(), 0);
    files['003_index.sql'] = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_id_org_idx ON users (id, org_id);';
    assert.ok(index.update('003_index.sql', files['003_index.sql']).includes('002_fk.sql'));
    assert.equal(rule(), 1, 'an index that does not lead with org_id does not count');
    files['003_index.sql'] = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx ON users (org_id, id);';
    assert.ok(index.update('003_index.sql', files['003_index.sql']).includes('002_fk.sql'));
    assert.equal(rule(), 0);
  });

  it('an edit that moves a section, a new file and a changed .conf are read as the framework lays them out', () => {
    const files: Record<string, string> = {
      '20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id bigint, email text);\n-- migrate:down\nDROP TABLE users;\n',
    };
    const index = new HistoryIndex(loadHistory(sourceOf(files)), sourceOf(files), config);
    files['20240101000000_users.sql'] = '-- migrate:up\nCREATE TABLE users (id bigint, email text);\nCREATE TABLE orgs (id bigint);\n-- migrate:down\nDROP TABLE users;\n';
    index.update('20240101000000_users.sql', files['20240101000000_users.sql']);
    assert.ok(index.schema().table('public.orgs'), 'the statement added to the up section was applied');
    assert.equal(index.schema().tables.has('public.users'), true, 'the down section was not applied');

    files['20240102000000_index.sql'] = '-- migrate:up\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n-- migrate:down\nDROP INDEX users_email;\n';
    index.setHistory(loadHistory(sourceOf(files)));
    const concurrently = () => index.result('20240102000000_index.sql')!.findings.filter((f) => f.rule === 'concurrently-in-transaction').length;
    assert.equal(concurrently(), 1);
    files['20240102000000_index.sql'] = files['20240102000000_index.sql'].replace('-- migrate:up', '-- migrate:up transaction:false');
    index.update('20240102000000_index.sql', files['20240102000000_index.sql']);
    assert.equal(concurrently(), 0);

    const flyway: Record<string, string> = { 'V1__users.sql': 'CREATE TABLE users (id bigint, email text);', 'V2__index.sql': 'CREATE INDEX CONCURRENTLY users_email ON users (email);' };
    const fly = new HistoryIndex(loadHistory(sourceOf(flyway)), sourceOf(flyway), config);
    const flagged = () => fly.result('V2__index.sql')!.findings.filter((f) => f.rule === 'concurrently-in-transaction').length;
    assert.equal(flagged(), 1);
    flyway['V2__index.sql.conf'] = 'executeInTransaction=false\n';
    fly.setHistory(loadHistory(sourceOf(flyway)));
    assert.equal(flagged(), 0);
  });

  it('on a real history (crates.io), edits give the findings of a full re-lint', () => {
    const disk = new FolderMigrationSource('/work/shared/corpus/postgres/crates.io');
    const overlay = new Map<string, string>();
    const source: MigrationSource = { list: () => disk.list(), read: (p) => overlay.get(p) ?? disk.read(p) };
    const history = loadHistory(source);
    const index = new HistoryIndex(history, source, config, { cache: new ParseCache(50000) });
    const middle = history.migrations[Math.floor(history.migrations.length / 2)];
    const table = [...index.schemaBefore(middle.path)!.tables.keys()].find((k) => k.endsWith('.crates'))!;
    overlay.set(middle.path, `${disk.read(middle.path)}\nALTER TABLE ${table} ADD COLUMN zz_flag boolean;\nCREATE VIEW zz_view AS SELECT id FROM ${table};\n`);
    const relinted = index.update(middle.path, overlay.get(middle.path));
    assert.ok(relinted.length > 1 && relinted.length < history.migrations.length, `re-linted ${relinted.length}`);
    const full = new Map<string, string[]>();
    for (const m of lintHistory(history, source, config).migrations) full.set(m.migration.path, summary(m.result.findings));
    assert.deepEqual(indexed(index), full);
  });
});
