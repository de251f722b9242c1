/**
 * unbatched-backfill rewrite: the UPDATE or DELETE becomes a keyset-batched, resumable DO block in a
 * migration of its own outside a transaction, for every framework. The rewritten history is replayed
 * on PGlite and must leave the tables exactly as the original history does (2500 rows: three
 * batches); running the batched step again must change no row, and a run that failed half-way must
 * finish the job when run again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, digestOf, expectedUpPaths, findingsOf, FRAMEWORKS, historyFiles, planForHistory, replay, replayFails, type Files } from './fixes-support';

const SETUP = [
  'CREATE TABLE users (id bigint PRIMARY KEY, email text, status text, plan text, meta json, activated_at timestamptz);',
  "INSERT INTO users SELECT g, 'User' || g || '@Example.com', NULL, CASE WHEN g % 3 = 0 THEN 'legacy' WHEN g % 7 = 0 THEN NULL ELSE 'pro' END, NULL, CASE WHEN g % 2 = 0 THEN timestamptz '2024-05-01 10:00+00' END FROM generate_series(1, 2500) g;",
  'CREATE TABLE events (id integer PRIMARY KEY, kind text);',
  "INSERT INTO events SELECT g, CASE WHEN g % 4 = 0 THEN 'debug' ELSE 'info' END FROM generate_series(1, 2500) g;",
  '',
].join('\n');

// DDL before and after the UPDATE: the ALTER after it names users, so it moves after the backfill.
const UPDATE_CHANGE = [
  "SET lock_timeout = '2s';",
  'ALTER TABLE users ADD COLUMN email_lower text;',
  "UPDATE users SET email_lower = lower(email), status = 'migrated', meta = '{\"v\": 1}' WHERE plan <> 'legacy' OR plan IS NULL;",
  "ALTER TABLE users ALTER COLUMN email_lower SET DEFAULT '';",
  'CREATE TABLE audit (id bigint PRIMARY KEY);',
  '',
].join('\n');
const DELETE_CHANGE = "DELETE FROM events WHERE kind LIKE 'debug%';\n";

const USERS = digestOf('users');
/** The row versions (xmin) of users: unchanged when no row was written. */
const VERSIONS = "SELECT md5(string_agg(xmin::text, ',' ORDER BY id)) AS v FROM users";
const EVENTS = digestOf('events');

async function rows(pg: PGlite, sql: string): Promise<string> {
  return JSON.stringify((await pg.query(sql)).rows);
}

/** The batched DO block the plan wrote, wherever the framework put it. */
function batchedBlock(files: Files): string {
  const blocks = Object.values(files).flatMap((text) => text.match(/^DO \$\$\n[^]*?\n\$\$;/gm) ?? []);
  assert.equal(blocks.length, 1, 'one batched block');
  return blocks[0];
}

/** The original history's final tables (the same for every framework: plain runs it statement by statement). */
async function originalTables(change: string, queries: string[]): Promise<string[]> {
  const pg = await replay(historyFiles('flyway', SETUP, change));
  try {
    return await Promise.all(queries.map((q) => rows(pg, q)));
  } finally {
    await pg.close();
  }
}

describe('unbatched-backfill rewrite plan', () => {
  let updated: string[];
  let deleted: string[];
  before(async () => {
    await loadPostgresParser();
    updated = await originalTables(UPDATE_CHANGE, [USERS]);
    deleted = await originalTables(DELETE_CHANGE, [EVENTS]);
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework}, UPDATE: batched step outside a transaction, the ALTER after it next; same rows as the original; re-run changes nothing`, async () => {
      const files = historyFiles(framework, SETUP, UPDATE_CHANGE);
      const { plan, currentPath } = planForHistory(files, 'unbatched-backfill');
      assert.ok(plan);
      const paths = expectedUpPaths(framework, ['backfill_users', 'alter_table_users']);
      if (paths[0]) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[paths[0], true], [paths[1], false]]);
        if (framework === 'flyway') assert.deepEqual(plan.newFiles[0].markerFiles, [{ path: `${paths[0]}.conf`, content: 'executeInTransaction=false\n' }]);
        if (framework === 'diesel') assert.deepEqual(plan.newFiles[0].markerFiles?.map((m) => m.content), ['run_in_transaction = false\n']);
        if (framework === 'dbmate') assert.match(plan.newFiles[0].content, /^-- migrate:up transaction:false\n/);
        if (framework === 'goose') assert.match(plan.newFiles[0].content, /^-- \+goose NO TRANSACTION\n-- \+goose Up\n[^]*-- \+goose StatementBegin\nDO \$\$/);
        if (framework === 'atlas') assert.match(plan.newFiles[0].content, /^-- atlas:txmode none\n/);
        // The ALTER that followed the UPDATE keeps its session settings.
        assert.match(plan.newFiles[1].content, /SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email_lower SET DEFAULT '';/);
      } else {
        assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-backfill-users runInTransaction:false splitStatements:false\n[^]*--changeset ana:2-alter-table-users\nSET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email_lower SET DEFAULT '';/);
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['backfill', paths[0] ?? currentPath], ['expand', paths[1] ?? currentPath]]);
      assert.match(plan.phases[0].lock, /row locks on one batch of users at a time[^]*ROW EXCLUSIVE lock on users/);
      assert.match(plan.phases[1].lock, /ACCESS EXCLUSIVE lock on users/);

      const rewritten = applyPlan(files, currentPath, plan);
      const block = batchedBlock(rewritten);
      // The original WHERE is part of every batch, and a row counts as done once it has its new values.
      assert.ok(
        block.includes(
          "AND ((plan <> 'legacy' OR plan IS NULL) AND (email_lower IS DISTINCT FROM CAST(lower(email) AS text) OR status IS DISTINCT FROM 'migrated' OR meta::text IS DISTINCT FROM CAST('{\"v\": 1}' AS text)));",
        ),
        block,
      );
      assert.doesNotMatch(rewritten[currentPath].replace(/--changeset ana:2-[^]*/, ''), /UPDATE users|SET DEFAULT/);
      assert.deepEqual(findingsOf(rewritten, 'unbatched-backfill').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);

      const pg = await replay(rewritten);
      try {
        assert.equal(await rows(pg, USERS), updated[0], 'the same rows as the original UPDATE');
        const defaults = await pg.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'email_lower' AND column_default IS NOT NULL");
        assert.equal(defaults.rows.length, 1, 'the moved ALTER ran');
        // Running the batched step again rewrites no row: every row's xmin stays.
        const versions = await rows(pg, VERSIONS);
        await pg.exec(block);
        assert.equal(await rows(pg, VERSIONS), versions);
        assert.equal(await rows(pg, USERS), updated[0]);
      } finally {
        await pg.close();
      }
    });

    it(`${framework}, DELETE: batched delete outside a transaction; same rows as the original`, async () => {
      const files = historyFiles(framework, SETUP, DELETE_CHANGE);
      const { plan, currentPath } = planForHistory(files, 'unbatched-backfill');
      assert.ok(plan);
      const [path] = expectedUpPaths(framework, ['backfill_events']);
      if (path) assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[path, true]]);
      else assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-backfill-events runInTransaction:false splitStatements:false\n/);
      const rewritten = applyPlan(files, currentPath, plan);
      const block = batchedBlock(rewritten);
      assert.match(block, /^ {2}last_id integer;$/m);
      assert.match(block, /DELETE FROM events\n {6}WHERE \(last_id IS NULL OR id > last_id\) AND id <= batch_end AND \(kind LIKE 'debug%'\);/);
      assert.deepEqual(findingsOf(rewritten, 'unbatched-backfill').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        assert.equal(await rows(pg, EVENTS), deleted[0]);
        assert.equal((await pg.query('SELECT 1 FROM events')).rows.length, 1875);
      } finally {
        await pg.close();
      }
    });
  }

  it('a run that fails half-way finishes the job when run again, without redoing the committed batches', async () => {
    const files = historyFiles('flyway', SETUP, UPDATE_CHANGE);
    const { plan, currentPath } = planForHistory(files, 'unbatched-backfill');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const backfillPath = plan.newFiles[0].path;
    // A trigger makes the third batch fail at id 2101: the first two (ids 1–2000) commit, then the migration fails.
    const sabotage = async (path: string, pg: PGlite) => {
      if (path !== backfillPath) return;
      await pg.exec(`CREATE FUNCTION fail_at_2101() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id = 2101 THEN RAISE EXCEPTION 'disk full'; END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER fail_at_2101 BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION fail_at_2101();`);
    };
    const db = await replayFails(rewritten, /disk full/, sabotage);
    try {
      const done = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE status = 'migrated'");
      const expectedDone = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE id <= 2000 AND (plan <> 'legacy' OR plan IS NULL)")).rows[0].n;
      assert.equal(done.rows[0].n, expectedDone, 'the first two batches committed');
      const firstBatches = await rows(db, `${VERSIONS} WHERE id <= 2000`);
      await db.exec('DROP TRIGGER fail_at_2101 ON users');
      await db.exec(batchedBlock(rewritten));
      assert.equal(await rows(db, `${VERSIONS} WHERE id <= 2000`), firstBatches, 'committed batches are not redone');
      await db.exec("ALTER TABLE users ALTER COLUMN email_lower SET DEFAULT ''");
      assert.equal(await rows(db, USERS), updated[0]);
    } finally {
      await db.close();
    }
  });

  it('WHERE c IS NULL with a value that is never NULL: the WHERE itself skips the rows done; an alias and ONLY are kept', async () => {
    const change = 'UPDATE ONLY users AS u SET activated_at = now() WHERE u.activated_at IS NULL;\n';
    const files = historyFiles('golang-migrate', SETUP, change);
    const { plan, currentPath } = planForHistory(files, 'unbatched-backfill');
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [['migrations/000003_backfill_users.up.sql', true]]);
    assert.match(plan.newFiles[0].content, /FROM \(SELECT id FROM ONLY users AS u WHERE/);
    assert.match(plan.newFiles[0].content, /UPDATE ONLY users AS u SET activated_at = now\(\)\n {6}WHERE \(last_id IS NULL OR id > last_id\) AND id <= batch_end AND \(u\.activated_at IS NULL\);/);
    assert.match(plan.notes.join('\n'), /the WHERE stops matching a row once its column is set/);
    assert.match(plan.notes.join('\n'), /no statements left/);
    const rewritten = applyPlan(files, currentPath, plan);
    assert.deepEqual(findingsOf(rewritten, 'unbatched-backfill').found, []);
    const pg = await replay(rewritten);
    try {
      assert.equal((await pg.query('SELECT 1 FROM users WHERE activated_at IS NULL')).rows.length, 0);
      const versions = await rows(pg, VERSIONS);
      await pg.exec(batchedBlock(rewritten));
      assert.equal(await rows(pg, VERSIONS), versions);
    } finally {
      await pg.close();
    }
  });

  it('the application writes between the migrations are kept; rows it adds before the backfill are backfilled too', async () => {
    const files = historyFiles('dbmate', SETUP, UPDATE_CHANGE);
    const { plan, currentPath } = planForHistory(files, 'unbatched-backfill');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const app = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec("INSERT INTO users (id, email, plan) VALUES (3001, 'New@Example.com', 'pro'), (3002, 'Old@Example.com', 'legacy')");
      if (path === plan.newFiles[1].path) await pg.exec("UPDATE users SET status = 'edited' WHERE id = 4");
    };
    const pg = await replay(rewritten, app);
    try {
      const r = await pg.query('SELECT id::int, email_lower, status FROM users WHERE id IN (4, 3001, 3002) ORDER BY id');
      assert.deepEqual(r.rows, [
        { id: 4, email_lower: 'user4@example.com', status: 'edited' },
        { id: 3001, email_lower: 'new@example.com', status: 'migrated' },
        { id: 3002, email_lower: null, status: null },
      ]);
    } finally {
      await pg.close();
    }
  });

  it('session settings the UPDATE depends on go inside the block; timeouts do not', () => {
    const change = "SET statement_timeout = '5s';\nSET search_path = public;\nUPDATE users SET status = 'x';\n";
    const { plan } = planForHistory(historyFiles('flyway', SETUP, change), 'unbatched-backfill');
    assert.ok(plan);
    assert.match(plan.newFiles[0].content, /\nBEGIN\n {2}SET search_path = public;\n {2}LOOP\n/);
    assert.doesNotMatch(plan.newFiles[0].content, /statement_timeout/);
    assert.match(plan.notes.join('\n'), /Not repeated in the backfill[^\n]*SET statement_timeout = '5s'/);
  });

  for (const [what, change] of [
    ['a value that reads the column it sets (a re-run would apply it twice)', 'UPDATE users SET email = email || \'x\';\n'],
    ['a volatile value with no WHERE that skips the rows done', 'UPDATE users SET activated_at = now();\n'],
    ['UPDATE … FROM', "UPDATE users SET status = e.kind FROM events e WHERE e.id = users.id;\n"],
    ['RETURNING', "DELETE FROM events WHERE kind <> 'info' RETURNING id;\n"],
  ] as const) {
    it(`no plan for ${what}`, () => {
      assert.equal(planForHistory(historyFiles('flyway', SETUP, change), 'unbatched-backfill').plan, null);
    });
  }

  it('no plan without a single-column primary key: batches need an order', () => {
    const files = historyFiles('flyway', 'CREATE TABLE users (email text, status text);\n', "UPDATE users SET status = 'x';\n");
    assert.equal(planForHistory(files, 'unbatched-backfill').plan, null);
  });
});
