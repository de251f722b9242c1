/**
 * reindex-concurrently rewrite: the REINDEX moves into a migration of its own that runs outside a
 * transaction as REINDEX … CONCURRENTLY, laid out for every framework, replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, indexDefinition, planAtVersion, planForHistory, replay } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX users_email_idx ON users (email);\nINSERT INTO users SELECT g, g || '@example.com' FROM generate_series(1, 50) g;\n";
const CHANGE = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nREINDEX INDEX users_email_idx;\n';
const SLUG = 'reindex_users_email_idx_concurrently';

/** The file node of an index: a rebuild gives it a new one. */
async function filenode(pg: PGlite, index: string): Promise<number> {
  return (await pg.query<{ f: number }>('SELECT pg_relation_filenode(to_regclass($1))::int AS f', [index])).rows[0].f;
}

describe('reindex-concurrently rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: own non-transactional migration, replays on PGlite, rule silent after`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'reindex-concurrently');
      assert.ok(plan, 'a plan');
      const path = expectedUpPath(framework, SLUG);
      if (path) {
        assert.deepEqual(plan.newFiles.map((f) => f.path), [path]);
        assert.equal(plan.newFiles[0].nonTransactional, true);
        assert.match(plan.newFiles[0].content, /^REINDEX INDEX CONCURRENTLY users_email_idx;$/m);
      } else {
        assert.deepEqual(plan.newFiles, []);
        assert.match(plan.edits.map((e) => e.newText).join(''), /runInTransaction:false\nREINDEX INDEX CONCURRENTLY users_email_idx;/);
      }
      assert.doesNotMatch(everyText(plan), /^REINDEX INDEX users_email_idx/m);
      assert.equal(plan.phases.length, 1);
      assert.match(plan.phases[0].lock, /SHARE UPDATE EXCLUSIVE lock on users/);
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.doesNotMatch(rewritten[currentPath], /^REINDEX INDEX users_email_idx/m);
      assert.deepEqual(findingsOf(rewritten, 'reindex-concurrently').found, []);
      assertNoNewFindings(files, rewritten, { match: 'messageId' });

      let before = 0;
      const pg = await replay(rewritten, async (p, db) => {
        if (p === (path ?? 'db/changelog.sql')) before = await filenode(db, 'users_email_idx');
      });
      try {
        // Liquibase's changesets share one file: its rebuild cannot be told apart by path, only its result.
        if (path) {
          assert.ok(before > 0);
          assert.notEqual(await filenode(pg, 'users_email_idx'), before, 'the index was rebuilt');
        }
        const def = await indexDefinition(pg, 'users_email_idx');
        assert.deepEqual(def, [{ indisvalid: true, def: 'CREATE INDEX users_email_idx ON public.users USING btree (email)' }]);
        assert.deepEqual((await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows, [{ n: 50 }]);
      } finally {
        await pg.close();
      }
    });
  }

  it('REINDEX TABLE with options keeps them and rebuilds every index of the table', async () => {
    const files = historyFiles('flyway', SETUP, 'REINDEX (VERBOSE) TABLE users;\n');
    const { plan, currentPath } = planForHistory(files, 'reindex-concurrently');
    assert.ok(plan);
    assert.equal(plan.newFiles[0].path, 'db/V3__reindex_users_concurrently.sql');
    assert.match(plan.newFiles[0].content, /^REINDEX \(VERBOSE\) TABLE CONCURRENTLY users;$/m);
    assert.match(everyText(plan), /Nothing to undo: REINDEX changes no definition/);
    assertParses(plan);
    let before = 0;
    const pg = await replay(applyPlan(files, currentPath, plan), async (p, db) => {
      if (p === 'db/V3__reindex_users_concurrently.sql') before = await filenode(db, 'users_pkey');
    });
    try {
      assert.notEqual(await filenode(pg, 'users_pkey'), before, 'the primary key index was rebuilt');
      assert.deepEqual((await indexDefinition(pg, 'users_pkey')).map((d) => d.indisvalid), [true]);
    } finally {
      await pg.close();
    }
  });

  it('no plan before PostgreSQL 12 (no CONCURRENTLY) or on 14.0–14.3 (concurrent rebuilds can corrupt)', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, 'reindex-concurrently', '11'), null);
    assert.equal(planAtVersion(files, 'reindex-concurrently', '14.2'), null);
    assert.ok(planAtVersion(files, 'reindex-concurrently', '12'));
    assert.ok(planAtVersion(files, 'reindex-concurrently', '14.4'));
  });

  for (const change of ['REINDEX SCHEMA public;\n', 'REINDEX (CONCURRENTLY false) TABLE users;\n']) {
    it(`no plan for ${change.trim()}`, () => {
      const { plan } = planForHistory(historyFiles('flyway', SETUP, change), 'reindex-concurrently');
      assert.equal(plan, null);
    });
  }
});
