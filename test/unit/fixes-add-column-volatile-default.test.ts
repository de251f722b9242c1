/**
 * add-column-volatile-default rewrite: ADD COLUMN without a default + SET DEFAULT now, a batched
 * backfill outside a transaction next, then the NOT NULL recipe; for every framework, replayed on
 * PGlite with rows present and the application inserting rows between the steps.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNewSteps, assertNoNewFindings, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, insertsBetweenSteps, planAtVersion, planForHistory, replay } from './fixes-support';

const RULE = 'add-column-volatile-default';
// 2500 rows: the backfill runs three batches of 1000.
const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 2500) g;\n";
const CHANGE = 'ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n';
const STEPS: [string, boolean][] = [
  ['backfill_users_token', true],
  ['check_users_token_not_null', false],
  ['set_users_token_not_null', false],
];

describe('add-column-volatile-default rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: default for new rows, batched backfill, NOT NULL recipe; no rewrite, every row filled`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, RULE);
      assert.ok(plan);
      const paths = assertNewSteps(plan, framework, STEPS, /--changeset ana:2-backfill-users-token runInTransaction:false splitStatements:false\n[^]*--changeset ana:2-check-users-token-not-null\n[^]*--changeset ana:2-set-users-token-not-null\n/);
      assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'constrain', 'validate']);
      assert.deepEqual(plan.phases.map((p) => p.path), [currentPath, ...(paths[0] ? paths : STEPS.map(() => currentPath))]);
      assert.match(plan.phases[0].lock, /^ACCESS EXCLUSIVE lock on users, which blocks reads and writes, for a moment/);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes('ALTER TABLE users ADD COLUMN token uuid, ALTER COLUMN token SET DEFAULT gen_random_uuid();'), rewritten[currentPath]);
      assert.deepEqual(findingsOf(rewritten, RULE).found, []);
      assertNoNewFindings(files, rewritten);

      const app = insertsBetweenSteps('users', 'token', "INSERT INTO users (id, email) VALUES (3000 + $1::int, 'app@example.com')");
      const pg = await replay(rewritten, app.hook);
      try {
        assert.ok(app.inserted() >= 3, `the application inserted between the steps (${app.inserted()} rows)`);
        await app.rewrites.assertNone(pg);
        const rows = await pg.query<{ total: number; filled: number; distinct: number }>('SELECT count(*)::int AS total, count(token)::int AS filled, count(DISTINCT token)::int AS distinct FROM users');
        assert.deepEqual(rows.rows, [{ total: 2500 + app.inserted(), filled: 2500 + app.inserted(), distinct: 2500 + app.inserted() }]);
        const column = await pg.query("SELECT attnotnull, pg_get_expr(adbin, adrelid) AS def FROM pg_attribute JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum WHERE attrelid = 'users'::regclass AND attname = 'token'");
        assert.deepEqual(column.rows, [{ attnotnull: true, def: 'gen_random_uuid()' }]);
        assert.equal((await pg.query("SELECT 1 FROM pg_constraint WHERE conname = 'users_token_not_null'")).rows.length, 0);
      } finally {
        await pg.close();
      }
    });
  }

  it('a nullable column: only the backfill follows; every existing row gets a value', async () => {
    const files = historyFiles('dbmate', SETUP, 'ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();\n');
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[expectedUpPath('dbmate', 'backfill_users_seen_at'), true]]);
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill']);
    assert.match(plan.newFiles[0].content, /^-- migrate:up transaction:false\n[^]*UPDATE users SET seen_at = clock_timestamp\(\)\n {6}WHERE \(last_id IS NULL OR id > last_id\) AND id <= batch_end AND \(seen_at IS NULL\);/);
    const rewritten = applyPlan(files, currentPath, plan);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      const rows = await pg.query<{ missing: number }>('SELECT count(*)::int AS missing FROM users WHERE seen_at IS NULL');
      assert.deepEqual(rows.rows, [{ missing: 0 }]);
      const column = await pg.query<{ attnotnull: boolean }>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'seen_at'");
      assert.deepEqual(column.rows, [{ attnotnull: false }]);
    } finally {
      await pg.close();
    }
  });

  it('without a single-column primary key: batches of pages in physical order, every row filled', async () => {
    const setup = "CREATE TABLE tags (name text, kind text, PRIMARY KEY (name, kind));\nINSERT INTO tags SELECT 'tag' || g, 'k' FROM generate_series(1, 2500) g;\n";
    const files = historyFiles('flyway', setup, 'ALTER TABLE tags ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();\n');
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.match(plan.newFiles[0].content, /WHERE ctid >= format\('\(%s,0\)', next_page\)::tid AND ctid < format\('\(%s,0\)', next_page \+ 8\)::tid AND \(token IS NULL\);/);
    assert.ok(plan.notes.some((n) => n.includes('no single-column primary key')));
    const rewritten = applyPlan(files, currentPath, plan);
    assert.deepEqual(findingsOf(rewritten, RULE).found, []);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      const rows = await pg.query<{ total: number; distinct: number }>('SELECT count(*)::int AS total, count(DISTINCT token)::int AS distinct FROM tags');
      assert.deepEqual(rows.rows, [{ total: 2500, distinct: 2500 }]);
    } finally {
      await pg.close();
    }
  });

  it('gives up without a single-column primary key before PostgreSQL 14 (no TID range scans)', () => {
    const files = historyFiles('flyway', 'CREATE TABLE tags (name text);\n', 'ALTER TABLE tags ADD COLUMN token uuid DEFAULT gen_random_uuid();\n');
    assert.equal(planAtVersion(files, RULE, '13'), null);
    assert.ok(planAtVersion(files, RULE, '14'));
  });

  it('gives up on a NOT NULL column before PostgreSQL 12, where the validated CHECK does not spare the scan', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, RULE, '11'), null);
    assert.ok(planAtVersion(files, RULE, '12'));
  });

  it('gives up on a partitioned table without a single-column primary key (partitions number their pages apart)', () => {
    const setup = 'CREATE TABLE events (id bigint, at date NOT NULL, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\n';
    const files = historyFiles('flyway', setup, 'ALTER TABLE events ADD COLUMN token uuid DEFAULT gen_random_uuid();\n');
    assert.equal(planForHistory(files, RULE).plan, null);
  });

  it('an inline UNIQUE comes back as a unique index built concurrently, then attached', () => {
    const files = historyFiles('golang-migrate', SETUP, 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() UNIQUE;\n');
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    const slugs: [string, boolean][] = [['backfill_users_token', true], ['create_unique_index_users_token_key_concurrently', true], ['add_unique_constraint_users_token_key', false]];
    assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), slugs.map(([slug, tx], i) => [expectedUpPath('golang-migrate', slug, i), tx]));
    assert.equal(plan.newFiles[1].content, 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_token_key ON users (token);\n');
    assert.match(plan.newFiles[2].content, /ALTER TABLE users ADD CONSTRAINT users_token_key UNIQUE USING INDEX users_token_key;/);
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'build', 'constrain']);
    assertNoNewFindings(files, applyPlan(files, currentPath, plan));
  });

  it('gives up when the ALTER has other subcommands, or the column an inline CHECK', () => {
    for (const change of ['ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid(), ADD COLUMN age int;\n', 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() CHECK (token IS NOT NULL);\n']) {
      assert.equal(planForHistory(historyFiles('flyway', SETUP, change), RULE).plan, null, change);
    }
  });
});
