/**
 * add-column-not-null-no-default rewrite: the column added nullable in place, a batched backfill with
 * the type's zero value (marked as a placeholder), a NOT VALID CHECK, then VALIDATE + SET NOT NULL +
 * DROP CHECK, for every framework; replayed on PGlite with the new release writing the column between
 * the expand and the backfill, and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, assertParses, expectedUpPaths, findingsOf, FRAMEWORKS, hasColumn, historyFiles, planAtVersion, planForHistory, replay } from './fixes-support';

// 2500 rows: the backfill runs three batches of 1000.
const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 2500) g;\n";
const CHANGE = 'ALTER TABLE users ADD COLUMN score integer NOT NULL;\n';
const SLUGS = ['backfill_users_score', 'check_users_score_not_null', 'set_users_score_not_null'];
const PLACEHOLDER = '-- The value existing rows get: change it before running.';

describe('add-column-not-null-no-default rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: nullable column now, backfill, NOT VALID CHECK, validate + SET NOT NULL; replays, rule silent`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'add-column-not-null-no-default');
      assert.ok(plan);
      const paths = expectedUpPaths(framework, SLUGS);
      const validate = 'ALTER TABLE users VALIDATE CONSTRAINT users_score_not_null;\nALTER TABLE users ALTER COLUMN score SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_score_not_null;\n';
      if (paths[0]) {
        assert.deepEqual(
          plan.newFiles.map((f) => [f.path, f.nonTransactional]),
          [
            [paths[0], true],
            [paths[1], false],
            [paths[2], false],
          ],
        );
        assert.ok(plan.newFiles[0].content.includes(`${PLACEHOLDER}\n-- Rows that have no score yet get 0.\n`), plan.newFiles[0].content);
        assert.ok(plan.newFiles[2].content.includes(validate), plan.newFiles[2].content);
      } else {
        assert.match(
          plan.edits.map((e) => e.newText).join(''),
          /--changeset ana:2-backfill-users-score runInTransaction:false splitStatements:false\n-- The value existing rows get[^]*--changeset ana:2-check-users-score-not-null\n[^]*--changeset ana:2-set-users-score-not-null\n[^]*--rollback ALTER TABLE users ALTER COLUMN score DROP NOT NULL;/,
        );
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path === currentPath]), [
        ['expand', true],
        ['backfill', framework === 'liquibase'],
        ['constrain', framework === 'liquibase'],
        ['validate', framework === 'liquibase'],
      ]);
      assert.match(plan.phases[1].deployBefore ?? '', /the application writes score on every insert and update/);
      assert.ok(plan.notes.some((n) => n.includes('score = 0, a placeholder')));
      const all = [...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      assert.match(all, /UPDATE users SET score = 0\n\s+WHERE \(last_id IS NULL OR id > last_id\) AND id <= batch_end AND \(score IS NULL\);/);
      assert.match(all, /ALTER TABLE users ADD CONSTRAINT users_score_not_null CHECK \(score IS NOT NULL\) NOT VALID;/);
      if (framework === 'flyway') {
        assert.match(plan.downFiles.map((f) => f.content).join('\n'), /DROP CONSTRAINT IF EXISTS users_score_not_null;[^]*DROP NOT NULL;\nALTER TABLE users ADD CONSTRAINT users_score_not_null CHECK \(score IS NOT NULL\) NOT VALID;/);
      }
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes('ALTER TABLE users ADD COLUMN score integer;\n'), rewritten[currentPath]);
      assert.deepEqual(findingsOf(rewritten, 'add-column-not-null-no-default').found, []);
      assertNoNewFindings(files, rewritten);

      let wrote = false;
      // The release that writes score goes out between the expand and the backfill.
      const application = async (_path: string, pg: PGlite) => {
        if (wrote || !(await hasColumn(pg, 'users', 'score'))) return;
        wrote = true;
        await pg.exec("INSERT INTO users (id, email, score) VALUES (3001, 'new@example.com', 5)");
        await pg.exec('UPDATE users SET score = 9 WHERE id = 7');
      };
      const pg = await replay(rewritten, application);
      try {
        assert.ok(wrote);
        const column = await pg.query<{ attnotnull: boolean }>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'score'");
        assert.deepEqual(column.rows, [{ attnotnull: true }]);
        const checks = await pg.query("SELECT 1 FROM pg_constraint WHERE conname = 'users_score_not_null'");
        assert.equal(checks.rows.length, 0);
        const rows = await pg.query<{ id: string; score: number }>('SELECT id::text, score FROM users WHERE id IN (1, 7, 2500, 3001) ORDER BY users.id');
        assert.deepEqual(rows.rows, [
          { id: '1', score: 0 },
          { id: '7', score: 9 },
          { id: '2500', score: 0 },
          { id: '3001', score: 5 },
        ]);
        const zeros = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE score = 0');
        assert.equal(zeros.rows[0].n, 2500 - 1);
        await assert.rejects(pg.exec("INSERT INTO users (id, email) VALUES (4000, 'old-release@example.com')"), /null value in column "score"/);
      } finally {
        await pg.close();
      }
    });
  }

  it('VALIDATE stops the plan when a row without the column slipped in after the backfill', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'add-column-not-null-no-default');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    // An insert by the release that does not write score yet, after the backfill, before the CHECK.
    const oldRelease = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[1].path) await pg.exec("INSERT INTO users (id, email) VALUES (3001, 'late@example.com')");
    };
    await assert.rejects(replay(rewritten, oldRelease), /V5__set_users_score_not_null[^]*check constraint "users_score_not_null" of relation "users" is violated by some row/);
  });

  const zeros: [string, string][] = [
    ['bigint', '0'],
    ['numeric(10,2)', '0'],
    ['varchar(20)', "''"],
    ['boolean', 'false'],
    ['timestamptz', 'now()'],
    ['timestamp', 'now()'],
    ['date', 'current_date'],
    ['jsonb', "'{}'"],
    ['text[]', "'{}'"],
    ['interval', "'0'"],
  ];
  it('each zero value is one PostgreSQL accepts for its type', async () => {
    // One database for all the types (a table each): the plans' up migrations run in version order.
    const pg = new PGlite();
    try {
      for (const [i, [type, value]] of zeros.entries()) {
        const table = `users_${i}`;
        const setup = `CREATE TABLE ${table} (id bigint PRIMARY KEY);\nINSERT INTO ${table} SELECT generate_series(1, 20);\n`;
        const files = historyFiles('flyway', setup, `ALTER TABLE ${table} ADD COLUMN extra ${type} NOT NULL;\n`);
        const { plan, currentPath } = planForHistory(files, 'add-column-not-null-no-default');
        assert.ok(plan, type);
        assert.ok(plan.newFiles[0].content.includes(`UPDATE ${table} SET extra = ${value}\n`), plan.newFiles[0].content);
        const rewritten = applyPlan(files, currentPath, plan);
        const ups = Object.keys(rewritten).filter((p) => /\/V\d+__[^/]*\.sql$/.test(p)).sort((a, b) => version(a) - version(b));
        for (const path of ups) await pg.exec(rewritten[path]);
        const column = await pg.query<{ t: string; notnull: boolean }>(`SELECT format_type(atttypid, atttypmod) AS t, attnotnull AS notnull FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = 'extra'`);
        assert.deepEqual(column.rows, [{ t: type.replace('timestamptz', 'timestamp with time zone').replace(/^timestamp$/, 'timestamp without time zone').replace('varchar', 'character varying'), notnull: true }]);
      }
    } finally {
      await pg.close();
    }
  });

  it('keeps the rest of the column definition: a named NOT NULL, COLLATE, IF NOT EXISTS', () => {
    const files = historyFiles('plain', SETUP, 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nick text COLLATE "C" CONSTRAINT nick_required NOT NULL;\n');
    const { plan, currentPath } = planForHistory(files, 'add-column-not-null-no-default');
    assert.ok(plan);
    assert.equal(applyPlan(files, currentPath, plan)[currentPath], 'ALTER TABLE users ADD COLUMN IF NOT EXISTS nick text COLLATE "C";\n');
  });

  const noPlan: [string, string][] = [
    ['a type with no obvious value (uuid)', 'ALTER TABLE users ADD COLUMN token uuid NOT NULL;\n'],
    ['an inline constraint beside NOT NULL', 'ALTER TABLE users ADD COLUMN score integer NOT NULL CHECK (score >= 0);\n'],
    ['a PRIMARY KEY column', 'ALTER TABLE users ADD COLUMN code integer PRIMARY KEY;\n'],
    ['other subcommands in the same ALTER', 'ALTER TABLE users ADD COLUMN score integer NOT NULL, ADD COLUMN age integer;\n'],
  ];
  for (const [why, change] of noPlan) {
    it(`no plan for ${why}`, () => {
      const files = historyFiles('flyway', SETUP, change);
      assert.equal(planForHistory(files, 'add-column-not-null-no-default').plan, null);
    });
  }

  it('no plan without a single-column primary key (batches need an order)', () => {
    const files = historyFiles('dbmate', 'CREATE TABLE users (email text);\n', CHANGE);
    assert.equal(planForHistory(files, 'add-column-not-null-no-default').plan, null);
  });

  it('no plan before PostgreSQL 12, where the validated CHECK does not spare the scan', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, 'add-column-not-null-no-default', '11'), null);
  });
});

const version = (path: string) => Number(/\/V(\d+)__/.exec(path)?.[1]);
