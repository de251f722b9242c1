/**
 * concurrently-in-transaction rewrite: the statement that refuses a transaction block moves, alone, to
 * a migration that runs outside one (each framework's marker), and what depends on it follows in a
 * transactional one; replayed on PGlite (where the original fails) and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import type { FrameworkId } from '../../server/src/engine/history/types';
import { applyPlan, assertNoNewFindings, findingsOf, FRAMEWORKS, historyFiles, inOneTransaction, planForHistory, replay, replayFails } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g || '@example.com' FROM generate_series(1, 50) g;\n";
const CHANGE = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n';
const STATEMENT = 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);';
const SLUG = 'create_index_concurrently_users_email_idx';

/** The new up file each framework gets, and how it says "no transaction". */
const GOLDEN: Record<FrameworkId, { up?: string; marker: RegExp | { path: string; content: string } | null; down?: string }> = {
  flyway: { up: `db/V3__${SLUG}.sql`, marker: { path: `db/V3__${SLUG}.sql.conf`, content: 'executeInTransaction=false\n' }, down: `db/U3__${SLUG}.sql` },
  liquibase: { marker: /--changeset ana:2-create-index-concurrently-users-email-idx runInTransaction:false\nCREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n--rollback DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;/ },
  'golang-migrate': { up: `migrations/000003_${SLUG}.up.sql`, marker: /^CREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n$/, down: `migrations/000003_${SLUG}.down.sql` },
  dbmate: { up: `db/migrations/20250304050607_${SLUG}.sql`, marker: /^-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY[^]*-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n$/ },
  goose: { up: `migrations/00003_${SLUG}.sql`, marker: /^-- \+goose NO TRANSACTION\n-- \+goose Up\nCREATE INDEX CONCURRENTLY[^]*-- \+goose Down\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;/ },
  prisma: { up: `prisma/migrations/20250304050607_${SLUG}/migration.sql`, marker: /^CREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n$/ },
  supabase: { up: `supabase/migrations/20250304050607_${SLUG}.sql`, marker: /^CREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n$/ },
  sqitch: { up: `deploy/${SLUG}.sql`, marker: /^-- Deploy \S+\n\nCREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n$/, down: `revert/${SLUG}.sql` },
  atlas: { up: `migrations/20250304050607_${SLUG}.sql`, marker: /^-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY/ },
  diesel: { up: `migrations/2025-03-04-050607_${SLUG}/up.sql`, marker: { path: `migrations/2025-03-04-050607_${SLUG}/metadata.toml`, content: 'run_in_transaction = false\n' }, down: `migrations/2025-03-04-050607_${SLUG}/down.sql` },
  plain: { up: `migrations/003_${SLUG}.sql`, marker: /^CREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n$/ },
};

describe('concurrently-in-transaction rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: own migration outside a transaction; the original fails, the rewrite replays; rule silent`, async () => {
      // Plain files run statement by statement: only an explicit BEGIN makes CONCURRENTLY fail there.
      const files = historyFiles(framework, SETUP, inOneTransaction(framework, CHANGE));
      const { plan, currentPath } = planForHistory(files, 'concurrently-in-transaction');
      assert.ok(plan);
      const golden = GOLDEN[framework];
      if (golden.up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[golden.up, true]]);
        assert.ok(plan.newFiles[0].content.includes(STATEMENT));
      } else {
        assert.deepEqual(plan.newFiles, []);
      }
      if (golden.marker instanceof RegExp) assert.match(golden.up ? plan.newFiles[0].content : plan.edits.map((e) => e.newText).join(''), golden.marker);
      else if (golden.marker) assert.deepEqual(plan.newFiles[0].markerFiles, [golden.marker]);
      if (golden.down) assert.ok(plan.downFiles.some((f) => f.path === golden.down && f.content.includes('DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;')), `down ${golden.down}`);
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['build', golden.up ?? currentPath]]);
      assert.match(plan.phases[0].lock, /^SHARE UPDATE EXCLUSIVE lock on users/);
      assert.match(plan.notes.join('\n'), /INVALID index/);

      await (await replayFails(files, /cannot run inside a transaction block/)).close();
      const rewritten = applyPlan(files, currentPath, plan);
      const current = rewritten[currentPath].replace(/--changeset ana:2-[^]*/, '');
      assert.ok(current.includes('CREATE TABLE orgs (id bigint PRIMARY KEY);\n') && !current.includes('CONCURRENTLY'), current);
      if (framework === 'plain' || framework === 'sqitch') assert.match(current, /BEGIN;\nCREATE TABLE orgs[^]*COMMIT;/);
      assert.deepEqual(findingsOf(rewritten, 'concurrently-in-transaction').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        const index = await pg.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass");
        assert.deepEqual(index.rows, [{ indisvalid: true }]);
        assert.equal((await pg.query('SELECT 1 FROM users')).rows.length, 50);
      } finally {
        await pg.close();
      }
    });
  }

  for (const framework of ['flyway', 'golang-migrate', 'liquibase'] as const) {
    it(`${framework}: ADD CONSTRAINT … USING INDEX after the index moves after it, in a transactional migration`, async () => {
      const change = [
        "SET lock_timeout = '2s';",
        'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
        'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
        '',
      ].join('\n');
      const files = historyFiles(framework, SETUP, change);
      const { plan, currentPath } = planForHistory(files, 'concurrently-in-transaction');
      assert.ok(plan);
      assert.deepEqual(plan.phases.map((p) => p.name), ['build', 'expand']);
      const all = [...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      if (framework !== 'liquibase') {
        assert.deepEqual(plan.newFiles.map((f) => f.nonTransactional), [true, false]);
        // The concurrent build stays alone (no lock_timeout: it waits for older transactions by design).
        assert.equal(plan.newFiles[0].content.includes('lock_timeout'), false);
        assert.match(plan.newFiles[1].content, /SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;/);
      }
      assert.match(all, /CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users \(email\);[^]*ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX/);
      assert.match(plan.notes.join('\n'), /Not repeated[^\n]*SET lock_timeout = '2s'/);
      const rewritten = applyPlan(files, currentPath, plan);
      assert.deepEqual(findingsOf(rewritten, 'concurrently-in-transaction').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        const constraint = await pg.query("SELECT contype FROM pg_constraint WHERE conname = 'users_email_key'");
        assert.deepEqual(constraint.rows, [{ contype: 'u' }]);
      } finally {
        await pg.close();
      }
    });
  }

  for (const [what, change, check] of [
    ['DROP INDEX CONCURRENTLY', 'CREATE INDEX users_email_idx ON users (email);\nDROP INDEX CONCURRENTLY users_email_idx;\n', "SELECT 1 FROM pg_class WHERE relname = 'users_email_idx'"],
    ['REINDEX … CONCURRENTLY', 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nREINDEX INDEX CONCURRENTLY users_pkey;\n', "SELECT 1 FROM pg_class WHERE relname = 'users_pkey_ccnew'"],
    ['VACUUM', 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nVACUUM (ANALYZE) users;\n', "SELECT 1 FROM pg_class WHERE relname = 'users' AND relpages = 0"],
  ] as const) {
    it(`${what} moves the same way and replays`, async () => {
      const files = historyFiles('dbmate', SETUP, change);
      const { plan, currentPath } = planForHistory(files, 'concurrently-in-transaction');
      assert.ok(plan);
      assert.deepEqual(plan.newFiles.map((f) => f.nonTransactional), [true]);
      assert.match(plan.newFiles[0].content, /^-- migrate:up transaction:false\n/);
      const rewritten = applyPlan(files, currentPath, plan);
      assert.deepEqual(findingsOf(rewritten, 'concurrently-in-transaction').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        assert.deepEqual((await pg.query(check)).rows, []);
      } finally {
        await pg.close();
      }
    });
  }

  it('settings that change what the statement means come along; timeouts do not', () => {
    const change = "SET search_path = public;\nSET statement_timeout = '5s';\nCREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n";
    const { plan } = planForHistory(historyFiles('goose', SETUP, change), 'concurrently-in-transaction');
    assert.ok(plan);
    assert.match(plan.newFiles[0].content, /^-- \+goose NO TRANSACTION\n-- \+goose Up\nSET search_path = public;\nCREATE INDEX CONCURRENTLY users_email_idx ON users \(email\);\n/);
    assert.match(plan.notes.join('\n'), /Not repeated[^\n]*SET statement_timeout = '5s'/);
  });

  for (const [what, change] of [
    ['ALTER SYSTEM', "CREATE TABLE orgs (id bigint PRIMARY KEY);\nALTER SYSTEM SET work_mem = '64MB';\n"],
    ['CREATE DATABASE', 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE DATABASE reports;\n'],
  ] as const) {
    it(`no plan for ${what}: it does not belong in a migration`, () => {
      assert.equal(planForHistory(historyFiles('flyway', SETUP, change), 'concurrently-in-transaction').plan, null);
    });
  }
});
