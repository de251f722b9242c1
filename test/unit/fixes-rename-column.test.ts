/**
 * rename-column rewrite: expand (new column + dual-write trigger), batched backfill, contract with a
 * divergence check, for every framework; replayed on PGlite with the old application writing the old
 * column between expand and contract, and the data checked after the contract.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNewSteps, findingsOf, FRAMEWORKS, hasColumn, historyFiles, planForHistory, replay } from './fixes-support';

// 2500 rows: the backfill runs three batches of 1000.
const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 2500) g;\n";
const CHANGE = 'ALTER TABLE users RENAME COLUMN email TO email_address;\n';
const STEPS: [string, boolean][] = [
  ['add_users_email_address', false],
  ['backfill_users_email_address', true],
  ['drop_users_email', false],
];

describe('rename-column rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: expand, backfill, contract; old-column writes survive; rule silent`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'rename-column');
      assert.ok(plan);
      const paths = assertNewSteps(plan, framework, STEPS, /--changeset ana:2-add-users-email-address splitStatements:false\n[^]*--changeset ana:2-backfill-users-email-address runInTransaction:false splitStatements:false\n[^]*--changeset ana:2-drop-users-email splitStatements:false\n/);
      assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'contract']);
      assert.match(plan.phases[2].deployBefore ?? '', /reads and writes only email_address/);
      const all = [...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      assert.match(all, /pg_trigger_depth\(\) > 1/);
      assert.match(all, /RAISE EXCEPTION/);
      if (framework === 'goose') assert.match(plan.newFiles[0].content, /-- \+goose StatementBegin\nCREATE FUNCTION/);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.deepEqual(findingsOf(rewritten, 'rename-column').found, []);
      const contractPath = paths[2];
      let contracted = false;
      // The old release keeps writing email until the contract step; a new one writes email_address.
      const oldApp = async (path: string, pg: PGlite) => {
        if (contracted || (contractPath ? path !== contractPath : !(await hasColumn(pg, 'users', 'email_address')))) return;
        if (!contractPath && !(await backfilled(pg))) return;
        contracted = true;
        await pg.exec("INSERT INTO users (id, email) VALUES (3001, 'old-app@example.com')");
        await pg.exec("UPDATE users SET email = 'changed-by-old@example.com' WHERE id = 7");
        await pg.exec("INSERT INTO users (id, email_address) VALUES (3002, 'new-app@example.com')");
        await pg.exec("UPDATE users SET email_address = 'changed-by-new@example.com' WHERE id = 8");
      };
      const pg = await replay(rewritten, oldApp);
      try {
        assert.ok(contracted, 'the application wrote between expand and contract');
        assert.equal(await hasColumn(pg, 'users', 'email'), false);
        const rows = await pg.query<{ id: string; email_address: string }>('SELECT id::text, email_address FROM users WHERE id IN (1, 7, 8, 2500, 3001, 3002) ORDER BY users.id');
        assert.deepEqual(rows.rows, [
          { id: '1', email_address: 'u1@example.com' },
          { id: '7', email_address: 'changed-by-old@example.com' },
          { id: '8', email_address: 'changed-by-new@example.com' },
          { id: '2500', email_address: 'u2500@example.com' },
          { id: '3001', email_address: 'old-app@example.com' },
          { id: '3002', email_address: 'new-app@example.com' },
        ]);
        const count = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE email_address = 'u' || id || '@example.com'");
        assert.equal(count.rows[0].n, 2500 - 2);
        const leftovers = await pg.query("SELECT 1 FROM pg_trigger WHERE tgname = 'users_sync_email_address' UNION ALL SELECT 1 FROM pg_proc WHERE proname = 'users_sync_email_address'");
        assert.equal(leftovers.rows.length, 0);
      } finally {
        await pg.close();
      }
    });
  }

  it('the contract step refuses to drop the old column while the columns differ', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'rename-column');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const sabotage = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[2].path) await pg.exec('ALTER TABLE users DISABLE TRIGGER users_sync_email_address; UPDATE users SET email = NULL WHERE id = 3;');
    };
    await assert.rejects(replay(rewritten, sabotage), /email_address differs from email/);
  });

  it('an insert by the new release keeps its value when the old column has a default', async () => {
    const files = historyFiles('flyway', SETUP.replace('email text', "email text DEFAULT 'none'"), CHANGE);
    const { plan, currentPath } = planForHistory(files, 'rename-column');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const newApp = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[2].path) await pg.exec("INSERT INTO users (id, email_address) VALUES (3003, 'new-only@example.com')");
    };
    const pg = await replay(rewritten, newApp);
    try {
      const row = await pg.query<{ email_address: string }>('SELECT email_address FROM users WHERE id = 3003');
      assert.deepEqual(row.rows, [{ email_address: 'new-only@example.com' }]);
    } finally {
      await pg.close();
    }
  });

  it('gives up without a single-column primary key: batches need an order', () => {
    const files = historyFiles('dbmate', 'CREATE TABLE users (email text);\n', CHANGE);
    assert.equal(planForHistory(files, 'rename-column').plan, null);
  });
});

/** Liquibase keeps every changeset in one file: detect the contract step by the backfill having run. */
async function backfilled(pg: PGlite): Promise<boolean> {
  const r = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email_address IS NULL');
  return r.rows[0].n === 0;
}
