/**
 * mixed-ddl-dml rewrite: the statements of the second kind (and what depends on them) leave the
 * migration, in runs of one kind each, for every framework. The rewritten history is replayed on
 * PGlite and must leave the tables exactly as the original does; the rule is silent afterwards and no
 * other rule finds more than before.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, digestOf, expectedUpPaths, findingsOf, FRAMEWORKS, historyFiles, planForHistory, replay } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'User' || g || '@Example.com' FROM generate_series(1, 50) g;\n";

// DDL first: the UPDATE moves, and so does the ALTER after it on the same table (in a run of its
// own); the audit table and its row do not depend on it and stay.
const DDL_FIRST = [
  "SET lock_timeout = '2s';",
  'ALTER TABLE users ADD COLUMN status text;',
  'CREATE TABLE audit (id bigint PRIMARY KEY, note text);',
  "UPDATE users SET status = 'active' WHERE id % 2 = 0;",
  "INSERT INTO audit VALUES (1, 'statuses set');",
  "ALTER TABLE users ALTER COLUMN status SET DEFAULT 'new';",
  '',
].join('\n');

// DML first: the SET NOT NULL depends on the UPDATE before it, so the DDL is what moves.
const DML_FIRST = "SET lock_timeout = '2s';\nUPDATE users SET email = lower(email) WHERE email LIKE '%@%';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\n";

const TABLES = [digestOf('users'), digestOf('audit'), "SELECT column_name, column_default, is_nullable FROM information_schema.columns WHERE table_name = 'users' ORDER BY column_name"];

async function tables(pg: PGlite, queries: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const q of queries) out.push(JSON.stringify((await pg.query(q).catch(() => ({ rows: 'missing' }))).rows));
  return out;
}

async function originalTables(change: string): Promise<string[]> {
  const pg = await replay(historyFiles('flyway', SETUP, change));
  try {
    return await tables(pg, TABLES);
  } finally {
    await pg.close();
  }
}

/** The plan's SQL for Liquibase, where the new changesets are edits to the current file. */
const insertedText = (plan: { edits: { newText: string }[] }) => plan.edits.map((e) => e.newText).join('');

describe('mixed-ddl-dml rewrite plan', () => {
  let ddlFirst: string[];
  let dmlFirst: string[];
  before(async () => {
    await loadPostgresParser();
    ddlFirst = await originalTables(DDL_FIRST);
    dmlFirst = await originalTables(DML_FIRST);
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework}, DDL first: the data change moves, the ALTER after it follows in a migration of its own; same tables as the original`, async () => {
      const files = historyFiles(framework, SETUP, DDL_FIRST);
      const { plan, currentPath } = planForHistory(files, 'mixed-ddl-dml');
      assert.ok(plan);
      const paths = expectedUpPaths(framework, ['change_data_in_users', 'change_schema_of_users']);
      const data = "SET lock_timeout = '2s';\nUPDATE users SET status = 'active' WHERE id % 2 = 0;";
      const schema = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN status SET DEFAULT 'new';";
      if (paths[0]) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[paths[0], false], [paths[1], false]]);
        assert.ok(plan.newFiles[0].content.includes(data), plan.newFiles[0].content);
        assert.ok(plan.newFiles[1].content.includes(schema), plan.newFiles[1].content);
        assert.equal(plan.newFiles[0].markerFiles, undefined);
        if (framework === 'sqitch') assert.match(plan.newFiles[0].content, /^-- Deploy change_data_in_users\n\nBEGIN;\n\nSET lock_timeout/);
      } else {
        assert.ok(insertedText(plan).includes(`--changeset ana:2-change-data-in-users\n${data}\n--changeset ana:2-change-schema-of-users\n${schema}\n`), insertedText(plan));
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['expand', currentPath], ['backfill', paths[0] ?? currentPath], ['expand', paths[1] ?? currentPath]]);
      // The audit table is created in this migration: nothing waits for its locks.
      assert.equal(plan.phases[0].lock, 'ACCESS EXCLUSIVE lock on users, which blocks reads and writes');
      assert.match(plan.phases[1].lock, /^ROW EXCLUSIVE lock on users/);
      const alterLine = files[currentPath].slice(0, files[currentPath].indexOf('ALTER TABLE users ALTER COLUMN status')).split('\n').length;
      assert.ok(plan.notes.includes(`Line ${alterLine} of ${currentPath} moved as well: it names tables the moved statements touch and ran after them.`), plan.notes.join('\n'));

      const rewritten = applyPlan(files, currentPath, plan);
      const current = rewritten[currentPath].replace(/--changeset ana:2-[^]*/, '');
      assert.match(current, /ALTER TABLE users ADD COLUMN status text;\nCREATE TABLE audit \(id bigint PRIMARY KEY, note text\);\nINSERT INTO audit VALUES \(1, 'statuses set'\);\n/);
      assert.doesNotMatch(current, /UPDATE users|SET DEFAULT/);
      assert.deepEqual(findingsOf(rewritten, 'mixed-ddl-dml').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        assert.deepEqual(await tables(pg, TABLES), ddlFirst);
      } finally {
        await pg.close();
      }
    });
  }

  for (const framework of ['flyway', 'liquibase', 'golang-migrate', 'sqitch', 'plain'] as const) {
    it(`${framework}, DML first: the UPDATE stays, the SET NOT NULL that depends on it moves; same tables as the original`, async () => {
      const files = historyFiles(framework, SETUP, DML_FIRST);
      const { plan, currentPath } = planForHistory(files, 'mixed-ddl-dml');
      assert.ok(plan);
      const [path] = expectedUpPaths(framework, ['change_schema_of_users']);
      const moved = "SET lock_timeout = '2s';\nALTER TABLE users ALTER COLUMN email SET NOT NULL;";
      if (path) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[path, false]]);
        assert.ok(plan.newFiles[0].content.includes(moved));
      } else {
        assert.ok(insertedText(plan).includes(`--changeset ana:2-change-schema-of-users\n${moved}`));
      }
      assert.deepEqual(plan.phases.map((p) => p.name), ['backfill', 'expand']);
      assert.match(plan.title, /schema changes that follow the data changes/);
      const rewritten = applyPlan(files, currentPath, plan);
      assert.match(rewritten[currentPath], /UPDATE users SET email = lower\(email\)/);
      assert.deepEqual(findingsOf(rewritten, 'mixed-ddl-dml').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        assert.deepEqual(await tables(pg, TABLES), dmlFirst);
      } finally {
        await pg.close();
      }
    });
  }

  it('writes the application makes between the migrations are kept', async () => {
    const files = historyFiles('goose', SETUP, DDL_FIRST);
    const { plan, currentPath } = planForHistory(files, 'mixed-ddl-dml');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    // The application writes after the schema change, before the data change (which then updates row 102
    // too: the UPDATE matches it), and before the default.
    const app = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec("INSERT INTO users VALUES (101, 'a@example.com', 'invited'), (102, 'b@example.com', NULL)");
      if (path === plan.newFiles[1].path) await pg.exec("UPDATE users SET status = 'blocked' WHERE id = 2");
    };
    const pg = await replay(rewritten, app);
    try {
      const r = await pg.query('SELECT id::int, status FROM users WHERE id IN (1, 2, 4, 101, 102) ORDER BY id');
      assert.deepEqual(r.rows, [
        { id: 1, status: null },
        { id: 2, status: 'blocked' },
        { id: 4, status: 'active' },
        { id: 101, status: 'invited' },
        { id: 102, status: 'active' },
      ]);
    } finally {
      await pg.close();
    }
  });

  it('a statement that refuses a transaction gets a migration of its own outside one', async () => {
    // plain runs files statement by statement, so CONCURRENTLY is allowed in the original.
    const change = "ALTER TABLE users ADD COLUMN status text;\nUPDATE users SET status = 'x' WHERE email LIKE 'User1%';\nCREATE INDEX CONCURRENTLY users_status_idx ON users (status);\n";
    const files = historyFiles('plain', SETUP, change);
    const { plan, currentPath } = planForHistory(files, 'mixed-ddl-dml');
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [
      ['migrations/003_change_data_in_users.sql', false],
      ['migrations/004_change_schema_of_users.sql', true],
    ]);
    const rewritten = applyPlan(files, currentPath, plan);
    assert.deepEqual(findingsOf(rewritten, 'mixed-ddl-dml').found, []);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      const index = await pg.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_status_idx'::regclass");
      assert.deepEqual(index.rows, [{ indisvalid: true }]);
      assert.equal((await pg.query("SELECT 1 FROM users WHERE status = 'x'")).rows.length, 11);
    } finally {
      await pg.close();
    }
  });
});
