/**
 * add-column-stored-generated rewrite: a plain column and a trigger that computes it (the expression's
 * column references read from NEW), then a batched backfill outside a transaction; for every
 * framework, replayed on PGlite with rows present and the application writing between the steps.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNewSteps, assertNoNewFindings, findingsOf, FRAMEWORKS, historyFiles, planAtVersion, planForHistory, replay, watchRewrites } from './fixes-support';

const RULE = 'add-column-stored-generated';
// 2500 rows: the backfill runs three batches of 1000.
const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, first text, "Last" text);\nINSERT INTO users SELECT g, \'f\' || g, \'l\' || g FROM generate_series(1, 2500) g;\n';
const CHANGE = 'ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || \' \' || "Last") STORED;\n';
const STEPS: [string, boolean][] = [
  ['add_users_full_name', false],
  ['backfill_users_full_name', true],
];
/** Rows whose full_name is not what the generated column would hold. */
const WRONG = 'SELECT count(*)::int AS n FROM users WHERE full_name IS DISTINCT FROM (first || \' \' || "Last")';

describe('add-column-stored-generated rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: plain column + computing trigger, batched backfill; no rewrite, every row equals the expression`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, RULE);
      assert.ok(plan);
      assertNewSteps(plan, framework, STEPS, /--changeset ana:2-add-users-full-name splitStatements:false\n[^]*--changeset ana:2-backfill-users-full-name runInTransaction:false splitStatements:false\n/);
      assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill']);
      assert.ok(plan.notes.some((n) => n.startsWith('full_name is no longer a generated column')));
      const all = [...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      assert.ok(all.includes('  NEW.full_name := NEW.first || \' \' || NEW."Last";\n'), all);
      assert.ok(all.includes('CREATE TRIGGER users_compute_full_name BEFORE INSERT OR UPDATE ON users\n  FOR EACH ROW EXECUTE FUNCTION users_compute_full_name();'));
      if (framework === 'goose') assert.match(plan.newFiles[0].content, /-- \+goose StatementBegin\nCREATE FUNCTION/);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.doesNotMatch(rewritten[currentPath], /GENERATED/);
      assert.deepEqual(findingsOf(rewritten, RULE).found, []);
      assertNoNewFindings(files, rewritten);

      const app = applicationBetweenSteps();
      const pg = await replay(rewritten, app.hook);
      try {
        assert.ok(app.inserted() >= 3, `the application wrote between the steps (${app.inserted()} rows)`);
        await app.rewrites.assertNone(pg);
        // After the plan the trigger keeps computing it, on insert and on update.
        await pg.exec('INSERT INTO users (id, first, "Last") VALUES (4000, \'Ann\', \'Lee\'); UPDATE users SET "Last" = \'Smith\' WHERE id = 8;');
        assert.deepEqual((await pg.query(WRONG)).rows, [{ n: 0 }]);
        const rows = await pg.query('SELECT id::int, full_name FROM users WHERE id IN (7, 8, 2500, 3001, 4000) ORDER BY id');
        assert.deepEqual(rows.rows, [
          { id: 7, full_name: 'changed l7' },
          { id: 8, full_name: 'f8 Smith' },
          { id: 2500, full_name: 'f2500 l2500' },
          { id: 3001, full_name: 'app1 Lee' },
          { id: 4000, full_name: 'Ann Lee' },
        ]);
      } finally {
        await pg.close();
      }
    });
  }

  it('NOT NULL and UNIQUE in the definition come back by their recipes', () => {
    const files = historyFiles('diesel', SETUP, 'ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || "Last") STORED NOT NULL UNIQUE;\n');
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'constrain', 'validate', 'build', 'constrain']);
    assert.deepEqual(plan.newFiles.map((f) => f.nonTransactional), [false, true, false, false, true, false]);
    assertNoNewFindings(files, applyPlan(files, currentPath, plan));
  });

  it('without a single-column primary key: batches of pages in physical order, every row computed', async () => {
    const setup = "CREATE TABLE users (first text, \"Last\" text);\nINSERT INTO users SELECT 'f' || g, CASE WHEN g % 10 <> 0 THEN 'l' || g END FROM generate_series(1, 2500) g;\n";
    const files = historyFiles('supabase', setup, CHANGE);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.match(plan.newFiles[1].content, /AND \(full_name IS DISTINCT FROM \(first \|\| ' ' \|\| "Last"\)\);/);
    const rewritten = applyPlan(files, currentPath, plan);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      // Rows whose "Last" is NULL compute NULL, as the generated column would: the backfill must not loop on them.
      assert.deepEqual((await pg.query(WRONG)).rows, [{ n: 0 }]);
      assert.deepEqual((await pg.query('SELECT count(full_name)::int AS n FROM users')).rows, [{ n: 2250 }]);
    } finally {
      await pg.close();
    }
  });

  it('gives up without a single-column primary key before PostgreSQL 14 (no TID range scans)', () => {
    const files = historyFiles('flyway', 'CREATE TABLE users (first text, "Last" text);\n', CHANGE);
    assert.equal(planAtVersion(files, RULE, '13'), null);
    assert.ok(planAtVersion(files, RULE, '14'));
  });

  it('gives up on expressions it cannot rewrite over NEW safely, and on other subcommands', () => {
    for (const change of [
      'ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (users.first) STORED;\n',
      'ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || $$ $$ || "Last") STORED;\n',
      'ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first /* given */ || "Last") STORED;\n',
      'ALTER TABLE users ADD COLUMN full_name text GENERATED ALWAYS AS (first || "Last") STORED, ADD COLUMN age int;\n',
    ]) {
      assert.equal(planForHistory(historyFiles('flyway', SETUP, change), RULE).plan, null, change);
    }
  });

  it('rewrites quoted and upper-case references inside calls and casts, and leaves function and type names alone', async () => {
    const change = 'ALTER TABLE users ADD COLUMN label text GENERATED ALWAYS AS (upper(First) || (("Last")::text) || coalesce(first, \'-\')) STORED;\n';
    const files = historyFiles('plain', SETUP, change);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.ok(plan.newFiles[0].content.includes('  NEW.label := upper(NEW.First) || ((NEW."Last")::text) || coalesce(NEW.first, \'-\');\n'), plan.newFiles[0].content);
    const pg = await replay(applyPlan(files, currentPath, plan));
    try {
      await pg.exec('INSERT INTO users (id, first, "Last") VALUES (4000, \'ann\', \'Lee\')');
      const wrong = await pg.query('SELECT count(*)::int AS n FROM users WHERE label IS DISTINCT FROM (upper(first) || "Last" || first)');
      assert.deepEqual(wrong.rows, [{ n: 0 }]);
    } finally {
      await pg.close();
    }
  });
});

/**
 * The application between migrations, once users exists: it inserts a row and changes row 7's `first`
 * without naming full_name (before the expand step the column is not there yet; after it the trigger
 * computes it), and it records users' file node each time (a rewrite changes it).
 */
function applicationBetweenSteps() {
  const rewrites = watchRewrites('users');
  let inserted = 0;
  const hook = async (_path: string, pg: PGlite) => {
    if (!(await rewrites.record(pg))) return;
    inserted++;
    await pg.query('INSERT INTO users (id, first, "Last") VALUES (3000 + $1::int, \'app\' || $1::int, \'Lee\')', [inserted]);
    await pg.exec("UPDATE users SET first = 'changed' WHERE id = 7");
  };
  return { rewrites, hook, inserted: () => inserted };
}
