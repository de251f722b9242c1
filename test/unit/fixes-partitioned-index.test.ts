/**
 * partitioned-index rewrite: the index ON ONLY the parent now; each partition's index built
 * CONCURRENTLY in a migration of its own, outside a transaction; then every one attached, which makes
 * the parent index valid. For every framework; replayed on PGlite with writes between the steps.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { parseFile } from '../../server/src/engine/dialects/postgres/statement';
import type { FrameworkId } from '../../server/src/engine/history/types';
import type { NewMigrationFile } from '../../server/src/engine/fixes/types';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPaths, findingsOf, FRAMEWORKS, historyFiles, planForHistory, relationExists, replay } from './fixes-support';

const SETUP = `CREATE TABLE events (id bigint NOT NULL, created_at date NOT NULL, kind text) PARTITION BY RANGE (created_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO events SELECT g, date '2024-01-01' + g % 700, 'k' || g % 10 FROM generate_series(1, 600) g;
`;
const CHANGE = 'CREATE INDEX events_kind_idx ON events (kind);\n';
const SLUGS = ['create_index_events_2024_kind_idx_concurrently', 'create_index_events_2025_kind_idx_concurrently', 'attach_events_kind_idx_partitions'];
const BUILDS = ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2024_kind_idx ON events_2024 (kind);', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2025_kind_idx ON events_2025 (kind);'];
const ATTACH = 'ALTER INDEX events_kind_idx ATTACH PARTITION events_2024_kind_idx;\nALTER INDEX events_kind_idx ATTACH PARTITION events_2025_kind_idx;\n';
const NO_DOWNS = new Set<FrameworkId>(['prisma', 'supabase', 'atlas', 'plain']);

/** How each framework says "no transaction" for a new file (Liquibase: on the changeset line). */
function assertNoTransactionMarker(framework: FrameworkId, file: NewMigrationFile): void {
  const dir = file.path.slice(0, file.path.lastIndexOf('/'));
  switch (framework) {
    case 'flyway':
      return assert.deepEqual(file.markerFiles, [{ path: `${file.path}.conf`, content: 'executeInTransaction=false\n' }]);
    case 'diesel':
      return assert.deepEqual(file.markerFiles, [{ path: `${dir}/metadata.toml`, content: 'run_in_transaction = false\n' }]);
    case 'dbmate':
      return assert.match(file.content, /^-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY/);
    case 'goose':
      return assert.match(file.content, /^-- \+goose NO TRANSACTION\n-- \+goose Up\nCREATE INDEX CONCURRENTLY/);
    case 'atlas':
      return assert.match(file.content, /^-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY/);
    case 'sqitch':
      return assert.match(file.content, /^-- Deploy \S+\n\nCREATE INDEX CONCURRENTLY/);
    default:
      // One statement per file: golang-migrate, Prisma, Supabase and plain runners send it on its own.
      return assert.match(file.content, /^CREATE INDEX CONCURRENTLY[^;]*;\s*$/);
  }
}

describe('partitioned-index rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: ON ONLY now, a concurrent build per partition, then attach; replays, parent index valid`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'partitioned-index');
      assert.ok(plan, 'a plan');
      const paths = expectedUpPaths(framework, SLUGS);
      if (paths[0]) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[paths[0], true], [paths[1], true], [paths[2], false]]);
        plan.newFiles.slice(0, 2).forEach((f, i) => {
          assert.ok(f.content.includes(BUILDS[i]), f.content);
          assertNoTransactionMarker(framework, f);
        });
        assert.ok(plan.newFiles[2].content.includes(ATTACH), plan.newFiles[2].content);
        assert.equal(plan.newFiles[2].markerFiles, undefined);
      } else {
        assert.deepEqual(plan.newFiles, []);
        const added = plan.edits.map((e) => e.newText).join('');
        assert.ok(added.includes(`--changeset ana:2-create-index-events-2024-kind-idx-concurrently runInTransaction:false\n${BUILDS[0]}`), added);
        assert.ok(added.includes(`--changeset ana:2-create-index-events-2025-kind-idx-concurrently runInTransaction:false\n${BUILDS[1]}`), added);
        assert.match(added, new RegExp(`--changeset ana:2-attach-events-kind-idx-partitions\\n[^]*${ATTACH.replace(/[()]/g, '\\$&')}`));
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [
        ['build', currentPath],
        ['build', paths[0] ?? currentPath],
        ['build', paths[1] ?? currentPath],
        ['validate', paths[2] ?? currentPath],
      ]);
      assert.match(plan.phases[0].lock, /^SHARE lock on events, .*for a moment: nothing is built/);
      assert.match(plan.phases[1].lock, /^SHARE UPDATE EXCLUSIVE lock on events_2024,/);
      assert.match(plan.phases[3].lock, /^ACCESS EXCLUSIVE lock on events_2024_kind_idx, events_2025_kind_idx,/);
      const all = everyText(plan);
      if (!NO_DOWNS.has(framework)) {
        assert.ok(all.includes('DROP INDEX CONCURRENTLY IF EXISTS events_2024_kind_idx;'), 'the build steps drop their index');
        assert.ok(all.includes('DROP INDEX events_kind_idx;') && all.includes('CREATE INDEX events_kind_idx ON ONLY events (kind);'), 'the attach step goes back to the bare parent index');
      }
      // The current migration's edit only adds ONLY: the syntax-error check below reads the edited file.
      assertParses(plan, { editsSpliceWords: true });

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes('CREATE INDEX events_kind_idx ON ONLY events (kind);'), rewritten[currentPath]);
      assert.deepEqual(findingsOf(rewritten, 'partitioned-index').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);

      // The application writes through the parent before every migration; the parent index is seen
      // invalid until the attach step.
      let written = 0;
      const validity: boolean[] = [];
      const app = async (_path: string, pg: PGlite) => {
        if (!(await relationExists(pg, 'events'))) return;
        written++;
        await pg.exec(`INSERT INTO events VALUES (${5000 + written}, '2025-03-0${written}', 'app')`);
        const index = await pg.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('events_kind_idx')");
        if (index.rows[0]) validity.push(index.rows[0].indisvalid);
      };
      const pg = await replay(rewritten, app);
      try {
        assert.ok(written >= 4, 'rows written between the steps');
        assert.ok(validity.length >= 3 && validity.every((v) => !v), `the parent index is invalid before the attach step: ${validity}`);
        assert.deepEqual(await indexState(pg, 'events_kind_idx'), {
          valid: true,
          attached: [
            { index: 'events_2024_kind_idx', table: 'events_2024', valid: true },
            { index: 'events_2025_kind_idx', table: 'events_2025', valid: true },
          ],
        });
        const rows = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM events WHERE kind = 'app' OR kind LIKE 'k%'");
        assert.equal(rows.rows[0].n, 600 + written);
      } finally {
        await pg.close();
      }
    });
  }

  it('the downs, run in reverse, leave the parent index as the current migration made it', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'partitioned-index');
    assert.ok(plan);
    const pg = await replay(applyPlan(files, currentPath, plan));
    try {
      for (const down of [...plan.downFiles].reverse()) for (const s of parseFile(down.content).statements) await pg.exec(s.text);
      assert.deepEqual(await indexState(pg, 'events_kind_idx'), { valid: false, attached: [] });
      const leftovers = await pg.query("SELECT 1 FROM pg_class WHERE relname IN ('events_2024_kind_idx', 'events_2025_kind_idx')");
      assert.equal(leftovers.rows.length, 0);
      await pg.exec('DROP INDEX events_kind_idx'); // the current migration's own down
    } finally {
      await pg.close();
    }
  });

  const VARIANTS = [
    {
      what: 'CONCURRENTLY on the parent (which PostgreSQL refuses) is taken out',
      setup: SETUP,
      change: 'CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);\n',
      // CONCURRENTLY took no SHARE lock: ON ONLY does, briefly, so it gets a lock_timeout.
      current: "SET LOCAL lock_timeout = '2s';\nCREATE INDEX events_kind_idx ON ONLY events (kind);",
      index: 'events_kind_idx',
      children: ['events_2024_kind_idx', 'events_2025_kind_idx'],
    },
    {
      what: 'a name already taken on a partition gets a number',
      setup: `${SETUP}CREATE INDEX events_2024_kind_idx ON events_2024 (created_at);\n`,
      change: CHANGE,
      current: 'CREATE INDEX events_kind_idx ON ONLY events (kind);',
      index: 'events_kind_idx',
      children: ['events_2024_kind_idx1', 'events_2025_kind_idx'],
    },
    {
      what: 'an expression index with a WHERE clause in another schema',
      setup: `CREATE SCHEMA app;\n${SETUP.replace(/\bevents/g, 'app.events')}`,
      change: 'CREATE INDEX events_lower_kind_idx ON app.events USING btree (lower(kind)) WHERE kind IS NOT NULL;\n',
      current: 'CREATE INDEX events_lower_kind_idx ON ONLY app.events USING btree (lower(kind)) WHERE kind IS NOT NULL;',
      index: 'app.events_lower_kind_idx',
      children: ['events_2024_expr_idx', 'events_2025_expr_idx'],
    },
    {
      what: 'a unique index (the partitions get unique ones)',
      setup: SETUP,
      change: 'CREATE UNIQUE INDEX events_id_key ON events (id, created_at);\n',
      current: 'CREATE UNIQUE INDEX events_id_key ON ONLY events (id, created_at);',
      index: 'events_id_key',
      children: ['events_2024_id_created_at_idx', 'events_2025_id_created_at_idx'],
    },
  ];
  for (const v of VARIANTS) {
    it(`${v.what}: replays, parent index valid`, async () => {
      const files = historyFiles('flyway', v.setup, v.change);
      const { plan, currentPath } = planForHistory(files, 'partitioned-index');
      assert.ok(plan, 'a plan');
      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes(v.current), rewritten[currentPath]);
      assert.deepEqual(findingsOf(rewritten, 'partitioned-index').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        const state = await indexState(pg, v.index);
        assert.equal(state.valid, true);
        assert.deepEqual(state.attached.map((a) => a.index), v.children);
        if (v.index === 'events_id_key') await assert.rejects(pg.exec("INSERT INTO events VALUES (1, '2024-01-02', 'dup')"), /duplicate key/);
      } finally {
        await pg.close();
      }
    });
  }

  const NO_PLAN = [
    { what: 'an unnamed index: ALTER INDEX needs its name', setup: SETUP, change: 'CREATE INDEX ON events (kind);\n' },
    {
      what: 'a partition that is itself partitioned',
      setup: `${SETUP}CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (kind);\n`,
      change: CHANGE,
    },
    { what: 'a partitioned table without known partitions', setup: 'CREATE TABLE events (id bigint, kind text) PARTITION BY LIST (kind);\n', change: CHANGE },
    {
      what: 'a parent the model does not know',
      setup: 'CREATE TABLE events_2024 (id bigint, created_at date, kind text);\n',
      change: "ALTER TABLE events ATTACH PARTITION events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE INDEX events_kind_idx ON events (kind);\n",
    },
  ];
  for (const c of NO_PLAN) {
    it(`no plan for ${c.what}`, () => {
      const files = historyFiles('flyway', c.setup, c.change);
      assert.equal(planForHistory(files, 'partitioned-index').plan, null);
    });
  }
});

/** The parent index's validity and the partition indexes attached to it (pg_inherits), with theirs. */
async function indexState(pg: PGlite, index: string): Promise<{ valid: boolean; attached: { index: string; table: string; valid: boolean }[] }> {
  const parent = await pg.query<{ indisvalid: boolean }>('SELECT indisvalid FROM pg_index WHERE indexrelid = $1::regclass', [index]);
  const children = await pg.query<{ index: string; table: string; valid: boolean }>(
    `SELECT c.relname AS index, t.relname AS "table", x.indisvalid AS valid
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_index x ON x.indexrelid = c.oid JOIN pg_class t ON t.oid = x.indrelid
      WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [index],
  );
  return { valid: parent.rows[0]?.indisvalid ?? false, attached: children.rows };
}
