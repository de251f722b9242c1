/**
 * fk-missing-index rewrite: a new migration that builds the index on the foreign key's columns
 * CONCURRENTLY outside a transaction; the current migration stays as it is. Golden layouts for every
 * framework, replayed on PGlite with rows written between the migrations.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { resolveConfig } from '../../server/src/engine/config';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { planFor } from '../../server/src/engine/fixes/plan';
import type { PlanContext } from '../../server/src/engine/fixes/types';
import type { Finding } from '../../server/src/engine/types';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, indexDefinition, NOW, planForHistory, relationExists, replay, source } from './fixes-support';

const RULE = 'fk-missing-index';
const SETUP = `CREATE TABLE orgs (id bigint PRIMARY KEY);
INSERT INTO orgs SELECT g FROM generate_series(1, 5) g;
CREATE TABLE users (id bigint PRIMARY KEY, email text, org_id bigint);
INSERT INTO users SELECT g, 'u' || g || '@example.com', g % 5 + 1 FROM generate_series(1, 50) g;
`;
const CHANGE = 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;\n';
const SLUG = 'create_index_users_org_id_idx_concurrently';
const BUILD = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx ON users (org_id);';
const DROP = 'DROP INDEX CONCURRENTLY IF EXISTS users_org_id_idx;';
/** Frameworks that keep no down migrations in these fixtures. */
const NO_DOWNS = new Set(['prisma', 'supabase', 'atlas', 'plain']);

describe('fk-missing-index rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: the index built concurrently in a migration of its own; replays with rows, no new findings`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, RULE);
      assert.ok(plan, 'a plan');
      const up = expectedUpPath(framework, SLUG);
      if (up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, true]]);
        assert.ok(plan.newFiles[0].content.includes(BUILD), plan.newFiles[0].content);
        assert.deepEqual(plan.edits, [], 'the current migration is unchanged');
      } else {
        assert.deepEqual(plan.newFiles, []);
        const added = plan.edits.map((e) => e.newText).join('');
        assert.ok(added.startsWith('--changeset ana:2-create-index-users-org-id-idx-concurrently runInTransaction:false\n'), added);
        assert.ok(added.includes(BUILD));
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['build', up ?? currentPath]]);
      assert.match(plan.phases[0].lock, /^SHARE UPDATE EXCLUSIVE lock on users, which blocks neither reads nor writes/);
      if (!NO_DOWNS.has(framework)) assert.ok(everyText(plan).includes(DROP), 'the down drops the index');
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes(CHANGE.trim()));
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assert.deepEqual(findingsOf(rewritten, 'create-index-concurrently').found, []);
      assertNoNewFindings(files, rewritten);

      let written = 0;
      const app = async (_path: string, pg: PGlite) => {
        if (!(await relationExists(pg, 'users'))) return;
        written++;
        await pg.exec(`INSERT INTO users VALUES (${1000 + written}, 'app${written}@example.com', ${written})`);
      };
      const pg = await replay(rewritten, app);
      try {
        assert.ok(written >= 2, `rows written between the migrations: ${written}`);
        assert.deepEqual(await indexDefinition(pg, 'users_org_id_idx'), [{ indisvalid: true, def: 'CREATE INDEX users_org_id_idx ON public.users USING btree (org_id)' }]);
        const counts = await pg.query<{ n: number; orgs: number }>("SELECT count(*)::int AS n, count(DISTINCT org_id)::int AS orgs FROM users WHERE id <= 50 AND email = 'u' || id || '@example.com'");
        assert.deepEqual(counts.rows, [{ n: 50, orgs: 5 }]);
        const app = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE id > 1000 AND org_id = id - 1000');
        assert.equal(app.rows[0].n, written);
        // The index serves the lookup a DELETE on orgs makes (sequential scans off, so the plan shows whether it can).
        await pg.exec('SET enable_seqscan = off');
        const explain = await pg.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT 1 FROM users WHERE org_id = 3');
        assert.match(explain.rows.map((r) => r['QUERY PLAN']).join('\n'), /users_org_id_idx/);
      } finally {
        await pg.close();
      }
    });
  }

  for (const framework of FRAMEWORKS) {
    it(`${framework}: the rule is silent after the plan (the index comes in the next migration)`, () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, RULE);
      assert.ok(plan);
      assert.deepEqual(findingsOf(applyPlan(files, currentPath, plan), RULE).found, []);
    });
  }

  it('an inline REFERENCES in a new table, and a two-column key', () => {
    const change = `CREATE TABLE memberships (id bigint PRIMARY KEY, org_id bigint NOT NULL REFERENCES orgs (id));
CREATE TABLE grants (org_id bigint, user_id bigint, FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, id));
`;
    const files = historyFiles('goose', SETUP, change);
    const { history, found } = findingsOf(files, RULE);
    assert.equal(found.length, 2);
    const paths = found.map(({ finding, index }) => {
      const migration = history.migrations[index];
      const ctx = { history, source: source(files), migration, text: files[migration.path], now: NOW, config: resolveConfig() };
      return planForFinding(finding, ctx);
    });
    assert.deepEqual(paths, [
      ['migrations/00003_create_index_memberships_org_id_idx_concurrently.sql', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS memberships_org_id_idx ON memberships (org_id);'],
      ['migrations/00003_create_index_grants_org_id_user_id_idx_concurrently.sql', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS grants_org_id_user_id_idx ON grants (org_id, user_id);'],
    ]);
  });

  it('follows a RENAME of the table later in the migration', () => {
    const files = historyFiles('flyway', SETUP, `${CHANGE}ALTER TABLE users RENAME TO members;\n`);
    const { plan } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.ok(plan.newFiles[0].content.includes('CREATE INDEX CONCURRENTLY IF NOT EXISTS members_org_id_idx ON members (org_id);'), plan.newFiles[0].content);
  });

  it('numbers the index name when it is taken, as PostgreSQL does', async () => {
    const files = historyFiles('flyway', `${SETUP}CREATE INDEX users_org_id_idx ON users (email);\n`, CHANGE);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.ok(plan.newFiles[0].content.includes('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx1 ON users (org_id);'), plan.newFiles[0].content);
    const pg = await replay(applyPlan(files, currentPath, plan));
    try {
      assert.deepEqual(await indexDefinition(pg, 'users_org_id_idx1'), [{ indisvalid: true, def: 'CREATE INDEX users_org_id_idx1 ON public.users USING btree (org_id)' }]);
    } finally {
      await pg.close();
    }
  });

  it('no plan for a partitioned table, where CONCURRENTLY is not possible', () => {
    const setup = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE TABLE events (org_id bigint, at date) PARTITION BY RANGE (at);\n';
    const files = historyFiles('flyway', setup, 'ALTER TABLE events ADD CONSTRAINT events_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n');
    assert.equal(planForHistory(files, RULE).plan, null);
  });
});

/** The path and CREATE INDEX of the plan for one finding. */
function planForFinding(finding: Finding, ctx: PlanContext): [string, string] {
  const plan = planFor(finding, ctx);
  assert.ok(plan);
  return [plan.newFiles[0].path, plan.newFiles[0].content.split('\n').find((l) => l.startsWith('CREATE INDEX')) ?? ''];
}
