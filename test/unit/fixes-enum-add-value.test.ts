/**
 * enum-add-value rewrite, for every framework:
 * - PostgreSQL 12+: the ADD VALUE stays, the statements using the new value move to the next
 *   migration (the original fails on PGlite with "unsafe use of new value"; the rewrite replays and
 *   leaves the tables as the same statements run one by one would);
 * - before 12: the ADD VALUE moves to a migration of its own outside a transaction and its uses to the
 *   one after it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { resolveConfig } from '../../server/src/engine/config';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, digestOf, expectedUpPath, expectedUpPaths, findingsOf, FRAMEWORKS, historyFiles, inOneTransaction, planForHistory, replay, replayFails } from './fixes-support';

const SETUP = "CREATE TYPE mood AS ENUM ('sad', 'ok');\nCREATE TABLE users (id bigint PRIMARY KEY, mood mood);\nINSERT INTO users SELECT g, 'ok' FROM generate_series(1, 50) g;\n";
const CHANGE = [
  "ALTER TYPE mood ADD VALUE 'happy';",
  'CREATE TABLE teams (id bigint PRIMARY KEY);',
  "UPDATE users SET mood = 'happy' WHERE id % 5 = 0;",
  "ALTER TABLE users ALTER COLUMN mood SET DEFAULT 'happy';",
  '',
].join('\n');
const USES = "UPDATE users SET mood = 'happy' WHERE id % 5 = 0;\nALTER TABLE users ALTER COLUMN mood SET DEFAULT 'happy';";

const PG16 = resolveConfig();
const PG11 = resolveConfig({ postgresVersion: '11' });

/** The migration under test: for Liquibase, changeset ana:2 without the changesets the plan added after it. */
const changeSection = (text: string) => text.replace(/^[^]*--changeset ana:2\n/, '').replace(/--changeset ana:2-[^]*/, '');

const USERS = digestOf('users');
const DEFAULT = "SELECT column_default FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'mood'";

async function tables(pg: PGlite): Promise<unknown[]> {
  return [(await pg.query(USERS)).rows, (await pg.query(DEFAULT)).rows];
}

describe('enum-add-value rewrite plan', () => {
  // What the migration means: its statements run one by one, each committed (plain files, no BEGIN).
  let intended: unknown[];
  before(async () => {
    await loadPostgresParser();
    const pg = await replay(historyFiles('plain', SETUP, CHANGE));
    try {
      intended = await tables(pg);
    } finally {
      await pg.close();
    }
  });

  it('the original fails where the file runs in a transaction', async () => {
    await (await replayFails(historyFiles('flyway', SETUP, CHANGE), /unsafe use of new value "happy" of enum type mood/)).close();
  });

  for (const framework of FRAMEWORKS) {
    it(`${framework}, PostgreSQL 16: the ADD VALUE stays, its uses move to the next migration; replays; rule silent`, async () => {
      const files = historyFiles(framework, SETUP, inOneTransaction(framework, CHANGE));
      const { plan, currentPath } = planForHistory(files, 'enum-add-value', { config: PG16, finding: 0 });
      assert.ok(plan);
      const up = expectedUpPath(framework, 'use_mood_happy');
      if (up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, false]]);
        assert.ok(plan.newFiles[0].content.includes(USES), plan.newFiles[0].content);
      } else {
        assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-use-mood-happy\n(SET (LOCAL )?lock_timeout = '2s';\n)?UPDATE users SET mood = 'happy'/);
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['expand', currentPath], ['expand', up ?? currentPath]]);
      assert.equal(plan.phases[0].lock, 'no table lock');
      assert.match(plan.phases[1].lock, /ACCESS EXCLUSIVE lock on users/);

      const rewritten = applyPlan(files, currentPath, plan);
      const current = changeSection(rewritten[currentPath]);
      assert.ok(current.includes("ALTER TYPE mood ADD VALUE 'happy';\nCREATE TABLE teams (id bigint PRIMARY KEY);\n") && !current.includes('UPDATE'), current);
      assert.deepEqual(findingsOf(rewritten, 'enum-add-value', PG16).found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error', PG16).found, []);
      // The uses move on together: mixed-ddl-dml's finding on them moves too and names their new line.
      assertNoNewFindings(files, rewritten, { config: PG16, match: 'messageId' });
      const pg = await replay(rewritten);
      try {
        assert.deepEqual(await tables(pg), intended);
      } finally {
        await pg.close();
      }
    });

    it(`${framework}, PostgreSQL 11: the ADD VALUE alone outside a transaction, its uses after it; replays; rule silent`, async () => {
      const files = historyFiles(framework, SETUP, inOneTransaction(framework, CHANGE));
      const { plan, currentPath } = planForHistory(files, 'enum-add-value', { config: PG11, finding: 0 });
      assert.ok(plan);
      const paths = expectedUpPaths(framework, ['add_mood_value_happy', 'use_mood_happy']);
      if (paths[0]) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[paths[0], true], [paths[1], false]]);
        assert.match(plan.newFiles[0].content, /ALTER TYPE mood ADD VALUE 'happy';\n/);
        assert.doesNotMatch(plan.newFiles[0].content, /UPDATE|SET lock_timeout/);
        assert.ok(plan.newFiles[1].content.includes(USES));
      } else {
        assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-add-mood-value-happy runInTransaction:false\nALTER TYPE mood ADD VALUE 'happy';\n--changeset ana:2-use-mood-happy\n/);
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['expand', paths[0] ?? currentPath], ['expand', paths[1] ?? currentPath]]);
      const rewritten = applyPlan(files, currentPath, plan);
      const current = changeSection(rewritten[currentPath]);
      assert.ok(current.includes('CREATE TABLE teams (id bigint PRIMARY KEY);\n') && !current.includes('mood'), current);
      assert.deepEqual(findingsOf(rewritten, 'enum-add-value', PG11).found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error', PG11).found, []);
      // mixed-ddl-dml's finding moves with the uses, as at PostgreSQL 16.
      assertNoNewFindings(files, rewritten, { config: PG11, match: 'messageId' });
      const pg = await replay(rewritten);
      try {
        assert.deepEqual(await tables(pg), intended);
      } finally {
        await pg.close();
      }
    });
  }

  it('PostgreSQL 11: a second ADD VALUE that moves along gets a migration of its own too', () => {
    const change = "ALTER TYPE mood ADD VALUE 'happy';\nALTER TYPE mood ADD VALUE 'calm';\nUPDATE users SET mood = 'calm' WHERE id = 1;\n";
    const { plan } = planForHistory(historyFiles('golang-migrate', SETUP, change), 'enum-add-value', { config: PG11, finding: 0 });
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional, f.content]), [
      ['migrations/000003_add_mood_value_happy.up.sql', true, "ALTER TYPE mood ADD VALUE 'happy';\n"],
      ['migrations/000004_add_mood_value_calm.up.sql', true, "ALTER TYPE mood ADD VALUE 'calm';\n"],
      ['migrations/000005_update_users.up.sql', false, "UPDATE users SET mood = 'calm' WHERE id = 1;\n"],
    ]);
  });
});
