/**
 * alter-column-type rewrite: expand (new column of the new type + dual-write trigger), batched
 * backfill, the old column's index built again CONCURRENTLY, contract with a divergence check, for
 * every framework; replayed on PGlite with the old release writing the old column and the new release
 * writing the new one between expand and contract, and the converted data checked after the contract.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { resolveConfig } from '../../server/src/engine/config';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { planFor } from '../../server/src/engine/fixes/plan';
import { applyPlan, assertNoNewFindings, assertParses, expectedUpPaths, findingsOf, FRAMEWORKS, hasColumn, historyFiles, NOW, planForHistory, replay, source } from './fixes-support';

// 2500 rows: the backfill runs three batches of 1000. amount = id * 7 tells a converted value from a lost one.
const SETUP =
  'CREATE TABLE orders (id bigint PRIMARY KEY, amount integer NOT NULL, note text);\n' +
  'CREATE INDEX orders_amount_idx ON orders (amount);\n' +
  "INSERT INTO orders SELECT g, g * 7, 'n' || g FROM generate_series(1, 2500) g;\n";
const CHANGE = 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n';
const SLUGS = ['add_orders_amount_bigint', 'backfill_orders_amount_bigint', 'create_index_orders_amount_bigint_idx_concurrently', 'drop_orders_amount'];

describe('alter-column-type rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: expand, backfill, build, contract; both releases' writes survive; rule silent`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'alter-column-type');
      assert.ok(plan);
      const paths = expectedUpPaths(framework, SLUGS);
      if (paths[0]) {
        assert.deepEqual(
          plan.newFiles.map((f) => [f.path, f.nonTransactional]),
          [
            [paths[0], false],
            [paths[1], true],
            [paths[2], true],
            [paths[3], false],
          ],
        );
      } else {
        assert.match(
          plan.edits.map((e) => e.newText).join(''),
          /--changeset ana:2-add-orders-amount-bigint splitStatements:false\n[^]*--changeset ana:2-backfill-orders-amount-bigint runInTransaction:false splitStatements:false\n[^]*--changeset ana:2-create-index-orders-amount-bigint-idx-concurrently runInTransaction:false\n[^]*--changeset ana:2-drop-orders-amount splitStatements:false\n/,
        );
      }
      assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'build', 'contract']);
      assert.equal(plan.phases[0].deployBefore, undefined, 'the running release goes on through the expand');
      assert.match(plan.phases[3].deployBefore ?? '', /reads and writes only amount_bigint \(deploy it after the index builds, before this migration\)/);
      const all = [...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      assert.match(all, /ALTER TABLE orders ADD COLUMN amount_bigint bigint;/);
      assert.match(all, /pg_trigger_depth\(\) > 1/);
      assert.match(all, /CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_amount_bigint_idx ON orders \(amount_bigint\);/);
      assert.match(all, /amount_bigint IS DISTINCT FROM CAST\(amount AS bigint\)[^]*RAISE EXCEPTION[^]*DROP TRIGGER orders_sync_amount_bigint ON orders;[^]*ALTER TABLE orders DROP COLUMN amount;/);
      assert.ok(plan.notes.some((n) => n.includes('amount is NOT NULL and amount_bigint is not')));
      if (framework === 'goose') assert.match(plan.newFiles[0].content, /-- \+goose StatementBegin\nCREATE FUNCTION/);
      if (framework === 'flyway') {
        assert.deepEqual(
          plan.downFiles.filter((f) => !f.path.endsWith('.conf')).map((f) => f.path),
          SLUGS.map((slug, i) => `db/U${3 + i}__${slug}.sql`),
        );
        assert.match(plan.downFiles.map((f) => f.content).join('\n'), /DROP COLUMN IF EXISTS amount_bigint;[^]*DROP INDEX CONCURRENTLY IF EXISTS orders_amount_bigint_idx;[^]*ADD COLUMN IF NOT EXISTS amount integer;/);
      }
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.deepEqual(findingsOf(rewritten, 'alter-column-type').found, []);
      assertNoNewFindings(files, rewritten);

      const contractPath = paths[3];
      let writes = 0;
      // Right after the expand the old release writes amount; before the contract both releases write.
      const application = async (path: string, pg: PGlite) => {
        if (writes === 2 || !(await hasColumn(pg, 'orders', 'amount_bigint'))) return;
        if (writes === 0) {
          writes = 1;
          await pg.exec('INSERT INTO orders (id, amount) VALUES (3001, 3001000)');
          await pg.exec('UPDATE orders SET amount = 2147483647 WHERE id = 5');
          return;
        }
        if (contractPath ? path !== contractPath : !(await backfilled(pg))) return;
        writes = 2;
        await pg.exec('INSERT INTO orders (id, amount) VALUES (3002, 42)');
        await pg.exec('UPDATE orders SET amount = -6 WHERE id = 6');
        await pg.exec('INSERT INTO orders (id, amount_bigint) VALUES (3003, 99)');
        await pg.exec('UPDATE orders SET amount_bigint = 123456789 WHERE id = 8');
        // Until the contract the trigger copies the new column back into the integer one.
        await assert.rejects(pg.exec('UPDATE orders SET amount_bigint = 5000000000 WHERE id = 9'), /integer out of range/);
      };
      const pg = await replay(rewritten, application);
      try {
        assert.equal(writes, 2, 'the releases wrote after the expand and before the contract');
        assert.equal(await hasColumn(pg, 'orders', 'amount'), false);
        const type = await pg.query<{ t: string }>("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'amount_bigint'");
        assert.deepEqual(type.rows, [{ t: 'bigint' }]);
        const rows = await pg.query<{ id: string; amount_bigint: string }>('SELECT id::text, amount_bigint::text FROM orders WHERE id IN (1, 5, 6, 8, 2500, 3001, 3002, 3003) ORDER BY orders.id');
        assert.deepEqual(rows.rows, [
          { id: '1', amount_bigint: '7' },
          { id: '5', amount_bigint: '2147483647' },
          { id: '6', amount_bigint: '-6' },
          { id: '8', amount_bigint: '123456789' },
          { id: '2500', amount_bigint: '17500' },
          { id: '3001', amount_bigint: '3001000' },
          { id: '3002', amount_bigint: '42' },
          { id: '3003', amount_bigint: '99' },
        ]);
        const intact = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE amount_bigint = id * 7');
        assert.equal(intact.rows[0].n, 2500 - 3);
        // Past the contract the column holds what integer could not.
        await pg.exec('UPDATE orders SET amount_bigint = 5000000000 WHERE id = 9');
        const index = await pg.query<{ def: string; valid: boolean }>(
          "SELECT pg_get_indexdef(i.indexrelid) AS def, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'orders_amount_bigint_idx'",
        );
        assert.deepEqual(index.rows, [{ def: 'CREATE INDEX orders_amount_bigint_idx ON public.orders USING btree (amount_bigint)', valid: true }]);
        const leftovers = await pg.query("SELECT 1 FROM pg_trigger WHERE tgname = 'orders_sync_amount_bigint' UNION ALL SELECT 1 FROM pg_proc WHERE proname = 'orders_sync_amount_bigint'");
        assert.equal(leftovers.rows.length, 0);
      } finally {
        await pg.close();
      }
    });
  }

  it('the contract step refuses to drop the old column while the columns differ', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'alter-column-type');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const sabotage = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles.at(-1)?.path) await pg.exec('ALTER TABLE orders DISABLE TRIGGER orders_sync_amount_bigint; UPDATE orders SET amount = 1 WHERE id = 3;');
    };
    await assert.rejects(replay(rewritten, sabotage), /amount_bigint differs from amount/);
  });

  it('USING a cast to the new type converts with that cast (text to integer has no assignment cast)', async () => {
    const setup = "CREATE TABLE orders (id bigint PRIMARY KEY, code text);\nINSERT INTO orders SELECT g, (g * 3)::text FROM generate_series(1, 1200) g;\n";
    const files = historyFiles('dbmate', setup, 'ALTER TABLE orders ALTER COLUMN code TYPE integer USING code::integer;\n');
    const { plan, currentPath } = planForHistory(files, 'alter-column-type');
    assert.ok(plan);
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'contract'], 'no index to build');
    assert.ok(plan.notes.some((n) => n.includes('The history shows no index on code')));
    const all = plan.newFiles.map((f) => f.content).join('\n');
    assert.match(all, /NEW\.code_integer := CAST\(NEW\.code AS integer\);/);
    assert.match(all, /SET code_integer = CAST\(code AS integer\)/);
    const rewritten = applyPlan(files, currentPath, plan);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten, async (path, db) => {
      if (path === plan.newFiles[1].path) await db.exec("INSERT INTO orders (id, code) VALUES (5000, '15000')");
    });
    try {
      const wrong = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE code_integer IS DISTINCT FROM id * 3');
      assert.equal(wrong.rows[0].n, 0);
    } finally {
      await pg.close();
    }
  });

  it('a value that does not fit the new type stops the backfill instead of being cut short', async () => {
    const setup = "CREATE TABLE users (id bigint PRIMARY KEY, nick varchar(10));\nINSERT INTO users VALUES (1, 'abc'), (2, 'abcdefghij');\n";
    const files = historyFiles('flyway', setup, 'ALTER TABLE users ALTER COLUMN nick TYPE varchar(5);\n');
    const { plan, currentPath } = planForHistory(files, 'alter-column-type');
    assert.ok(plan);
    assert.match(plan.newFiles[0].content, /ADD COLUMN nick_varchar_5 varchar\(5\);/);
    await assert.rejects(replay(applyPlan(files, currentPath, plan)), /V4__backfill_users_nick_varchar_5[^]*value too long for type character varying\(5\)/);
  });

  it('a column with a default: an insert by the new release keeps its value; the default is noted for the new column', async () => {
    const setup = "CREATE TABLE orders (id bigint PRIMARY KEY, amount integer DEFAULT 0);\nINSERT INTO orders SELECT g, g FROM generate_series(1, 1500) g;\n";
    const files = historyFiles('flyway', setup, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'alter-column-type');
    assert.ok(plan);
    assert.ok(plan.notes.some((n) => n.startsWith('amount has DEFAULT 0 and amount_bigint has none')), plan.notes.join('\n'));
    const rewritten = applyPlan(files, currentPath, plan);
    const contract = plan.newFiles.at(-1)!.path;
    const newRelease = async (path: string, pg: PGlite) => {
      if (path === contract) await pg.exec('INSERT INTO orders (id, amount_bigint) VALUES (5000, 5)');
    };
    const pg = await replay(rewritten, newRelease);
    try {
      const rows = await pg.query<{ id: string; amount_bigint: string }>('SELECT id::text, amount_bigint::text FROM orders WHERE id IN (1, 1500, 5000) ORDER BY id');
      assert.deepEqual(rows.rows, [{ id: '1', amount_bigint: '1' }, { id: '1500', amount_bigint: '1500' }, { id: '5000', amount_bigint: '5' }]);
    } finally {
      await pg.close();
    }
  });

  it('keeps the COLLATE clause and a schema-qualified table; notes the index it cannot build again', () => {
    const setup = "CREATE SCHEMA app;\nCREATE TABLE app.users (id bigint PRIMARY KEY, nick varchar(40));\nCREATE INDEX users_nick_part ON app.users (nick) WHERE nick <> '';\n";
    const files = historyFiles('flyway', setup, 'ALTER TABLE app.users ALTER COLUMN nick TYPE varchar(20) COLLATE "C";\n');
    const { plan } = planForHistory(files, 'alter-column-type');
    assert.ok(plan);
    assert.match(plan.newFiles[0].content, /ALTER TABLE app\.users ADD COLUMN nick_varchar_20 varchar\(20\) COLLATE "C";/);
    assert.match(plan.newFiles[0].content, /CREATE FUNCTION app\.users_sync_nick_varchar_20\(\)/);
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'contract']);
    assert.ok(plan.notes.some((n) => n.startsWith('index users_nick_part uses nick with an expression, a WHERE or an INCLUDE')));
  });

  const noPlan: [string, string, string][] = [
    ['a USING that is more than a cast (no inverse for the new release to write through)', SETUP, 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint USING amount * 100;\n'],
    ['no single-column primary key (batches need an order)', 'CREATE TABLE orders (amount integer);\n', CHANGE],
    ['a column in the primary key', 'CREATE TABLE orders (id integer PRIMARY KEY);\n', 'ALTER TABLE orders ALTER COLUMN id TYPE bigint;\n'],
    ['other subcommands in the same ALTER', SETUP, 'ALTER TABLE orders ALTER COLUMN amount TYPE bigint, ADD COLUMN paid boolean;\n'],
  ];
  for (const [why, setup, change] of noPlan) {
    it(`no plan for ${why}`, () => {
      assert.equal(planForHistory(historyFiles('flyway', setup, change), 'alter-column-type').plan, null);
    });
  }

  it('no plan for a column a view reads (the contract could not drop it)', () => {
    const files = historyFiles('flyway', `${SETUP}CREATE VIEW big_orders AS SELECT id FROM orders WHERE amount > 100;\n`, CHANGE);
    const { history, found } = findingsOf(files, 'alter-column-type');
    assert.deepEqual(found.map((f) => f.finding.messageId).sort(), ['dependentsRefuse', 'rewrite']);
    const migration = history.migrations[found[0].index];
    for (const { finding } of found) assert.equal(planFor(finding, { history, source: source(files), migration, text: files[migration.path], now: NOW, config: resolveConfig() }), null);
  });
});

/** Liquibase keeps every changeset in one file: the contract comes once the backfill has run. */
async function backfilled(pg: PGlite): Promise<boolean> {
  const r = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE amount_bigint IS NULL');
  return r.rows[0].n === 0;
}
