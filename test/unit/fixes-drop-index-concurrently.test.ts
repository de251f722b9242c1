/**
 * drop-index-concurrently rewrite: the DROP INDEX moves into a migration of its own that runs outside a
 * transaction, laid out for every framework, replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import type { FrameworkId } from '../../server/src/engine/history/types';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, indexDefinition, planForHistory, relationExists, replay } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);\nINSERT INTO users SELECT g, g || '@example.com' FROM generate_series(1, 50) g;\n";
const CHANGE = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nDROP INDEX users_email_idx;\n';
const SLUG = 'drop_index_users_email_idx_concurrently';
/** The frameworks that keep downs (the others have nowhere to write one). */
const WITH_DOWNS = new Set<FrameworkId>(['flyway', 'liquibase', 'golang-migrate', 'dbmate', 'goose', 'sqitch', 'diesel']);

describe('drop-index-concurrently rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: own non-transactional migration, replays on PGlite, rule silent after`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'drop-index-concurrently');
      assert.ok(plan, 'a plan');
      const path = expectedUpPath(framework, SLUG);
      if (path) {
        assert.deepEqual(plan.newFiles.map((f) => f.path), [path]);
        assert.equal(plan.newFiles[0].nonTransactional, true);
        assert.match(plan.newFiles[0].content, /DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;/);
      } else {
        assert.deepEqual(plan.newFiles, []);
        assert.match(plan.edits.map((e) => e.newText).join(''), /runInTransaction:false\n(SET lock_timeout[^\n]*\n)?DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;/);
      }
      // The down builds the index again from the CREATE INDEX the history holds.
      if (WITH_DOWNS.has(framework)) assert.match(everyText(plan), /CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users \(email\)/);
      assert.doesNotMatch(everyText(plan), /nothing to undo/i);
      assert.equal(plan.phases.length, 1);
      assert.match(plan.phases[0].lock, /SHARE UPDATE EXCLUSIVE lock on users/);
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.doesNotMatch(rewritten[currentPath], /^DROP INDEX users_email_idx/m);
      assert.deepEqual(findingsOf(rewritten, 'drop-index-concurrently').found, []);
      assertNoNewFindings(files, rewritten, { match: 'messageId' });

      const pg = await replay(rewritten);
      try {
        assert.equal(await relationExists(pg, 'users_email_idx'), false);
        assert.equal(await relationExists(pg, 'orgs'), true);
        const rows = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
        assert.deepEqual(rows.rows, [{ n: 50 }]);
      } finally {
        await pg.close();
      }
    });
  }

  it('the down rebuilds a partial index as it was defined, and replays', async () => {
    const setup = SETUP.replace('CREATE INDEX users_email_idx ON users (email);', 'CREATE UNIQUE INDEX users_email_idx ON users (lower(email)) WHERE email IS NOT NULL;');
    const files = historyFiles('flyway', setup, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'drop-index-concurrently');
    assert.ok(plan);
    const down = plan.downFiles.find((f) => f.path === 'db/U3__drop_index_users_email_idx_concurrently.sql');
    assert.ok(down);
    assert.match(down.content, /^CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users \(lower\(email\)\) WHERE email IS NOT NULL;$/m);
    const pg = await replay(applyPlan(files, currentPath, plan));
    try {
      assert.equal(await relationExists(pg, 'users_email_idx'), false);
      await pg.exec(down.content);
      const def = await indexDefinition(pg, 'users_email_idx');
      assert.equal(def.length, 1);
      assert.equal(def[0].indisvalid, true);
      assert.match(def[0].def, /UNIQUE INDEX users_email_idx ON public\.users USING btree \(lower\(email\)\) WHERE \(email IS NOT NULL\)/);
    } finally {
      await pg.close();
    }
  });

  it('a renamed index has no known definition: the down says to recreate it, and does not claim there is nothing to undo', () => {
    const setup = SETUP.replace('CREATE INDEX users_email_idx', 'CREATE INDEX email_idx') + 'ALTER INDEX email_idx RENAME TO users_email_idx;\n';
    const { plan } = planForHistory(historyFiles('flyway', setup, CHANGE), 'drop-index-concurrently');
    assert.ok(plan);
    const down = plan.downFiles.find((f) => f.path === 'db/U3__drop_index_users_email_idx_concurrently.sql');
    assert.match(down?.content ?? '', /^-- To undo, recreate users_email_idx with CREATE INDEX CONCURRENTLY/);
    assert.doesNotMatch(down?.content ?? '', /nothing to undo/i);
  });

  it('a schema-qualified index keeps its schema', () => {
    const setup = 'CREATE SCHEMA app;\nCREATE TABLE app.users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON app.users (email);\n';
    const { plan } = planForHistory(historyFiles('flyway', setup, 'DROP INDEX app.users_email_idx;\n'), 'drop-index-concurrently');
    assert.ok(plan);
    assert.match(plan.newFiles[0].content, /^DROP INDEX CONCURRENTLY IF EXISTS app\.users_email_idx;$/m);
    assert.match(plan.phases[0].lock, /on app\.users/);
  });

  const declined: [string, string][] = [
    ['an index behind a primary key', 'DROP INDEX users_pkey;\n'],
    ['CASCADE', 'DROP INDEX users_email_idx CASCADE;\n'],
    ['several indexes', 'DROP INDEX users_email_idx, users_id_idx;\n'],
  ];
  for (const [what, change] of declined) {
    it(`no plan for ${what}: DROP INDEX CONCURRENTLY cannot do it`, () => {
      const setup = `${SETUP}CREATE INDEX users_id_idx ON users (id);\n`;
      const { plan } = planForHistory(historyFiles('flyway', setup, change), 'drop-index-concurrently');
      assert.equal(plan, null);
    });
  }

  it('no plan for an index on a partitioned table: CONCURRENTLY cannot drop it', () => {
    const setup = 'CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);\nCREATE INDEX events_at_idx ON events (at);\n';
    const { plan } = planForHistory(historyFiles('flyway', setup, 'DROP INDEX events_at_idx;\n'), 'drop-index-concurrently');
    assert.equal(plan, null);
  });
});
