/**
 * attach-partition rewrite: a CHECK equal to the bounds NOT VALID now; VALIDATE, ATTACH (no scan) and
 * DROP CONSTRAINT in the next migration, for every framework; replayed on PGlite with rows written
 * between the steps, and PostgreSQL's own word that the ATTACH skipped its scan.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, planForHistory, relationExists, replay, replayStepAtDebug, type Files } from './fixes-support';

// events_2025 is a plain table loaded with a year of rows, to become the 2025 partition.
const SETUP = `CREATE TABLE events (id bigint NOT NULL, created_at date NOT NULL, kind text) PARTITION BY RANGE (created_at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 (LIKE events INCLUDING ALL);
INSERT INTO events SELECT g, date '2024-01-01' + g, 'old' FROM generate_series(0, 299) g;
INSERT INTO events_2025 SELECT g, date '2025-01-01' + g % 365, 'new' FROM generate_series(1000, 1299) g;
`;
const LIST_SETUP = `CREATE TABLE accounts (id bigint NOT NULL, region text) PARTITION BY LIST (region);
CREATE TABLE accounts_us PARTITION OF accounts FOR VALUES IN ('us');
CREATE TABLE accounts_eu (id bigint NOT NULL, region text);
INSERT INTO accounts_eu SELECT g, CASE g % 2 WHEN 0 THEN 'de' ELSE 'fr' END FROM generate_series(1, 100) g;
`;
const CHANGE = "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\n";
const SLUG = 'attach_partition_events_2025';
const ADD_CHECK =
  "ALTER TABLE events_2025 ADD CONSTRAINT events_2025_partition_check CHECK (created_at IS NOT NULL AND created_at >= '2025-01-01' AND created_at < '2026-01-01') NOT VALID;";
const STEP = [
  'ALTER TABLE events_2025 VALIDATE CONSTRAINT events_2025_partition_check;',
  '-- No scan: the validated CHECK proves the bounds.',
  "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
  '-- The partition bounds now enforce what the CHECK did.',
  'ALTER TABLE events_2025 DROP CONSTRAINT events_2025_partition_check;',
].join('\n');
const DETACH = 'ALTER TABLE events DETACH PARTITION events_2025;';
/** Frameworks that keep no down migrations in these fixtures. */
const NO_DOWNS = new Set(['prisma', 'supabase', 'atlas', 'plain']);

describe('attach-partition rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: NOT VALID CHECK now; validate, attach, drop CHECK next; replays with rows, no new findings`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'attach-partition');
      assert.ok(plan, 'a plan');
      const up = expectedUpPath(framework, SLUG);
      if (up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, false]]);
        assert.ok(plan.newFiles[0].content.includes(STEP), plan.newFiles[0].content);
        assert.equal(plan.newFiles[0].markerFiles, undefined);
      } else {
        assert.deepEqual(plan.newFiles, []);
        assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-attach-partition-events-2025\n/);
        assert.ok(plan.edits.some((e) => e.newText.includes(STEP)));
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['constrain', currentPath], ['validate', up ?? currentPath]]);
      assert.match(plan.phases[0].lock, /^ACCESS EXCLUSIVE lock on events_2025, .*for a moment/);
      assert.match(plan.phases[1].lock, /SHARE UPDATE EXCLUSIVE lock on events_2025, .*while validating; then, for a moment, ACCESS EXCLUSIVE lock on events_2025.*SHARE UPDATE EXCLUSIVE lock on events,/);
      if (!NO_DOWNS.has(framework)) assert.ok(everyText(plan).includes(DETACH), 'the down detaches the partition');
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes(ADD_CHECK), rewritten[currentPath]);
      assert.doesNotMatch(rewritten[currentPath].replace(/--changeset ana:2-attach[^]*/, ''), /ATTACH PARTITION events_2025/);
      assert.deepEqual(findingsOf(rewritten, 'attach-partition').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);

      // The application keeps loading events_2025 (in its bounds) before each migration.
      let written = 0;
      const app = async (_path: string, pg: PGlite) => {
        if (!(await relationExists(pg, 'events_2025'))) return;
        written++;
        await pg.exec(`INSERT INTO events_2025 VALUES (${5000 + written}, '2025-06-0${written}', 'app')`);
      };
      const pg = await replay(rewritten, app);
      try {
        assert.ok(written >= 2, 'rows written between the steps');
        const bound = await pg.query<{ bound: string }>("SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'events_2025' AND relispartition");
        assert.deepEqual(bound.rows, [{ bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" }]);
        const counts = await pg.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM events GROUP BY kind ORDER BY kind');
        assert.deepEqual(counts.rows, [
          { kind: 'app', n: written },
          { kind: 'new', n: 300 },
          { kind: 'old', n: 300 },
        ]);
        await pg.exec("INSERT INTO events VALUES (9001, '2025-07-01', 'routed'), (9002, '2024-07-01', 'routed')");
        const routed = await pg.query<{ id: string; partition: string }>("SELECT id::text, tableoid::regclass::text AS partition FROM events WHERE kind = 'routed' ORDER BY id");
        assert.deepEqual(routed.rows, [
          { id: '9001', partition: 'events_2025' },
          { id: '9002', partition: 'events_2024' },
        ]);
        const checks = await pg.query("SELECT 1 FROM pg_constraint WHERE conname = 'events_2025_partition_check'");
        assert.equal(checks.rows.length, 0, 'the CHECK is dropped');
        await assert.rejects(pg.exec("INSERT INTO events_2025 VALUES (9003, '2030-01-01', 'x')"), /violates partition constraint/);
      } finally {
        await pg.close();
      }
    });
  }

  it('a row outside the bounds, written before the CHECK, makes VALIDATE fail', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'attach-partition');
    assert.ok(plan);
    const stray = async (path: string, pg: PGlite) => {
      if (path === currentPath) await pg.exec("INSERT INTO events_2025 VALUES (7777, '2031-01-01', 'stray')");
    };
    await assert.rejects(replay(applyPlan(files, currentPath, plan), stray), /V3__attach_partition_events_2025[^]*check constraint "events_2025_partition_check" of relation "events_2025" is violated by some row/);
  });

  // PostgreSQL says at DEBUG1 whether ATTACH scanned the partition or proved the bounds from its constraints.
  const BOUNDS = [
    { what: 'RANGE', setup: SETUP, change: CHANGE, check: "created_at IS NOT NULL AND created_at >= '2025-01-01' AND created_at < '2026-01-01'" },
    {
      what: 'RANGE from MINVALUE, with a cast',
      setup: `${SETUP}CREATE TABLE events_old (LIKE events INCLUDING ALL);\nINSERT INTO events_old SELECT g, date '2023-01-01' + (g - 2000), 'older' FROM generate_series(2000, 2099) g;\n`,
      change: "ALTER TABLE events ATTACH PARTITION events_old FOR VALUES FROM (MINVALUE) TO ('2024-01-01'::date);\n",
      check: "created_at IS NOT NULL AND created_at < '2024-01-01'::date",
    },
    {
      what: 'RANGE to MAXVALUE, typed literal',
      setup: SETUP,
      change: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM (date '2025-01-01') TO (MAXVALUE);\n",
      check: "created_at IS NOT NULL AND created_at >= date '2025-01-01'",
    },
    {
      what: 'LIST',
      setup: LIST_SETUP,
      change: "ALTER TABLE accounts ATTACH PARTITION accounts_eu FOR VALUES IN ('de', 'fr');\n",
      check: "region IS NOT NULL AND region IN ('de', 'fr')",
    },
    {
      what: 'LIST with NULL',
      setup: LIST_SETUP,
      change: "ALTER TABLE accounts ATTACH PARTITION accounts_eu FOR VALUES IN ('de', NULL, 'fr');\n",
      check: "(region IS NULL OR region IN ('de', 'fr'))",
    },
    {
      what: 'LIST of integers on a bigint key, in another schema',
      setup: 'CREATE SCHEMA app;\nCREATE TABLE app.shards (id bigint, shard bigint) PARTITION BY LIST (shard);\nCREATE TABLE app.shards_low (id bigint, shard bigint);\nINSERT INTO app.shards_low SELECT g, g % 3 FROM generate_series(1, 90) g;\n',
      change: 'ALTER TABLE app.shards ATTACH PARTITION app.shards_low FOR VALUES IN (0, 1, 2);\n',
      check: 'shard IS NOT NULL AND shard IN (0, 1, 2)',
    },
  ];
  for (const b of BOUNDS) {
    it(`${b.what}: the CHECK spares the ATTACH its scan`, async () => {
      const files = historyFiles('flyway', b.setup, b.change);
      const { plan, currentPath } = planForHistory(files, 'attach-partition');
      assert.ok(plan, 'a plan');
      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes(`CHECK (${b.check}) NOT VALID;`), rewritten[currentPath]);
      assert.deepEqual(findingsOf(rewritten, 'attach-partition').found, []);
      const step = plan.newFiles[0].path;
      const debug = await attachMessages(rewritten, step);
      assert.match(debug.join('\n'), /partition constraint for table "\w+" is implied by existing constraints/);
      assert.doesNotMatch(debug.join('\n'), /verifying table/);
    });
  }

  it('without the CHECK, the same ATTACH scans the partition (the check above can fail)', async () => {
    const files = historyFiles('flyway', SETUP, 'SELECT 1;\n');
    files['db/V3__attach.sql'] = CHANGE;
    const debug = await attachMessages(files, 'db/V3__attach.sql');
    assert.match(debug.join('\n'), /verifying table "events_2025"/);
  });

  const NO_PLAN = [
    { what: 'a HASH partition', setup: 'CREATE TABLE t (id int) PARTITION BY HASH (id);\nCREATE TABLE t0 (id int);\n', change: 'ALTER TABLE t ATTACH PARTITION t0 FOR VALUES WITH (MODULUS 2, REMAINDER 0);\n' },
    { what: 'a DEFAULT partition', setup: SETUP, change: 'ALTER TABLE events ATTACH PARTITION events_2025 DEFAULT;\n' },
    {
      what: 'a two-column range key',
      setup: 'CREATE TABLE t (a int, b int) PARTITION BY RANGE (a, b);\nCREATE TABLE t0 (a int, b int);\n',
      change: 'ALTER TABLE t ATTACH PARTITION t0 FOR VALUES FROM (0, 0) TO (10, 10);\n',
    },
    { what: 'an expression key', setup: 'CREATE TABLE t (a text) PARTITION BY LIST (lower(a));\nCREATE TABLE t0 (a text);\n', change: "ALTER TABLE t ATTACH PARTITION t0 FOR VALUES IN ('x');\n" },
    { what: 'a key with a collation', setup: 'CREATE TABLE t (a text) PARTITION BY LIST (a COLLATE "C");\nCREATE TABLE t0 (a text);\n', change: "ALTER TABLE t ATTACH PARTITION t0 FOR VALUES IN ('x');\n" },
    { what: 'a bound that is not a constant', setup: SETUP, change: "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO (date_trunc('year', now()) + interval '1 year');\n" },
    { what: 'a parent the history never created', setup: 'CREATE TABLE t0 (a int);\n', change: 'ALTER TABLE t ATTACH PARTITION t0 FOR VALUES FROM (0) TO (10);\n' },
    {
      what: 'a parent renamed since its PARTITION BY',
      setup: 'CREATE TABLE t_old (a int) PARTITION BY RANGE (a);\nALTER TABLE t_old RENAME TO t;\nCREATE TABLE t0 (a int);\n',
      change: 'ALTER TABLE t ATTACH PARTITION t0 FOR VALUES FROM (0) TO (10);\n',
    },
    {
      what: 'a key column renamed since',
      setup: 'CREATE TABLE t (a int) PARTITION BY RANGE (a);\nALTER TABLE t RENAME COLUMN a TO b;\nCREATE TABLE t0 (b int);\n',
      change: 'ALTER TABLE t ATTACH PARTITION t0 FOR VALUES FROM (0) TO (10);\n',
    },
  ];
  for (const c of NO_PLAN) {
    it(`no plan for ${c.what}`, () => {
      const files = historyFiles('flyway', c.setup, c.change);
      assert.equal(planForHistory(files, 'attach-partition').plan, null);
    });
  }

  it('notes the DEFAULT partition, which ATTACH still scans', () => {
    const files = historyFiles('flyway', `${SETUP}CREATE TABLE events_other PARTITION OF events DEFAULT;\n`, CHANGE);
    const { plan } = planForHistory(files, 'attach-partition');
    assert.ok(plan);
    assert.match(plan.notes.join('\n'), /events has a DEFAULT partition, events_other: ATTACH PARTITION also scans it/);
  });
});

/** What PostgreSQL says at DEBUG1 while the step's ATTACH PARTITION runs (the history before it replayed). */
async function attachMessages(files: Files, stepPath: string): Promise<string[]> {
  return (await replayStepAtDebug(files, stepPath)).filter((s) => s.sql.includes('ATTACH PARTITION')).flatMap((s) => s.messages);
}
