/**
 * detach-partition rewrite: the DETACH moves into a migration of its own that runs outside a
 * transaction as DETACH … CONCURRENTLY, laid out for every framework, replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import type { FrameworkId } from '../../server/src/engine/history/types';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, planAtVersion, planForHistory, replay } from './fixes-support';

const SETUP = [
  'CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);',
  "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
  "CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
  "INSERT INTO events SELECT g, date '2024-01-01' + g * 7 FROM generate_series(0, 99) g;",
  '',
].join('\n');
const CHANGE = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nALTER TABLE events DETACH PARTITION events_2024;\n';
const SLUG = 'detach_partition_events_2024_concurrently';
const REATTACH = "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
const WITH_DOWNS = new Set<FrameworkId>(['flyway', 'liquibase', 'golang-migrate', 'dbmate', 'goose', 'sqitch', 'diesel']);

async function parentOf(pg: PGlite, table: string): Promise<string | null> {
  const r = await pg.query<{ p: string }>('SELECT inhparent::regclass::text AS p FROM pg_inherits WHERE inhrelid = to_regclass($1)', [table]);
  return r.rows[0]?.p ?? null;
}

const count = async (pg: PGlite, table: string) => (await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;

describe('detach-partition rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: own non-transactional migration, replays on PGlite, rule silent after`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'detach-partition');
      assert.ok(plan, 'a plan');
      const path = expectedUpPath(framework, SLUG);
      if (path) {
        assert.deepEqual(plan.newFiles.map((f) => f.path), [path]);
        assert.equal(plan.newFiles[0].nonTransactional, true);
        assert.match(plan.newFiles[0].content, /^ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;$/m);
      } else {
        assert.deepEqual(plan.newFiles, []);
        assert.match(plan.edits.map((e) => e.newText).join(''), /runInTransaction:false\n(SET lock_timeout[^\n]*\n)?ALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;/);
      }
      if (WITH_DOWNS.has(framework)) assert.ok(everyText(plan).includes(REATTACH), 'the down attaches the partition again');
      assert.equal(plan.phases.length, 1);
      assert.match(plan.phases[0].lock, /SHARE UPDATE EXCLUSIVE lock on events, events_2024/);
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.doesNotMatch(rewritten[currentPath], /DETACH PARTITION events_2024;/);
      assert.deepEqual(findingsOf(rewritten, 'detach-partition').found, []);
      assertNoNewFindings(files, rewritten, { match: 'messageId' });

      const pg = await replay(rewritten);
      try {
        assert.equal(await parentOf(pg, 'events_2024'), null, 'detached');
        assert.equal(await parentOf(pg, 'events_2025'), 'events');
        // The detached rows stay in the table; the parent keeps only the other partition's.
        assert.equal(await count(pg, 'events_2024'), 53);
        assert.equal(await count(pg, 'events'), 47);
      } finally {
        await pg.close();
      }
    });
  }

  it('the down attaches the partition again on PGlite', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'detach-partition');
    assert.ok(plan);
    const down = plan.downFiles.find((f) => f.path === `db/U3__${SLUG}.sql`);
    assert.ok(down && down.content.includes(REATTACH));
    const pg = await replay(applyPlan(files, currentPath, plan));
    try {
      await pg.exec(down.content);
      assert.equal(await parentOf(pg, 'events_2024'), 'events');
      assert.equal(await count(pg, 'events'), 100);
    } finally {
      await pg.close();
    }
  });

  it('a partition the model does not know gets a down comment instead of a guessed bound', () => {
    const setup = 'CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);\n';
    const { plan } = planForHistory(historyFiles('flyway', setup, CHANGE), 'detach-partition');
    assert.ok(plan);
    const down = plan.downFiles.find((f) => f.path === `db/U3__${SLUG}.sql`);
    assert.match(down?.content ?? '', /^-- To undo, attach events_2024 to events again/);
  });

  it('no plan before PostgreSQL 14 (no DETACH … CONCURRENTLY)', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, 'detach-partition', '13'), null);
    assert.ok(planAtVersion(files, 'detach-partition', '14'));
  });

  it('no plan when the parent has a DEFAULT partition: PostgreSQL refuses CONCURRENTLY then', async () => {
    const setup = `${SETUP}CREATE TABLE events_other PARTITION OF events DEFAULT;\n`;
    const files = historyFiles('flyway', setup, CHANGE);
    assert.equal(planForHistory(files, 'detach-partition').plan, null);
    // What PostgreSQL says when asked.
    const concurrent = { ...files, 'db/V3__detach.sql': 'ALTER TABLE events DETACH PARTITION events_2025 CONCURRENTLY;\n', 'db/V3__detach.sql.conf': 'executeInTransaction=false\n' };
    await assert.rejects(replay(concurrent), /default partition/);
  });
});
