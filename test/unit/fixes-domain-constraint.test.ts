/**
 * domain-constraint rewrite: ADD CONSTRAINT … NOT VALID in the current migration, ALTER DOMAIN …
 * VALIDATE CONSTRAINT in the next, for every framework; replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { parseFile, SYNTAX_ERROR } from '../../server/src/engine/dialects/postgres/statement';
import {
  applyPlan,
  assertNoNewFindings,
  assertParses,
  expectedUpPath,
  findingsOf,
  FRAMEWORKS,
  historyFiles,
  planForHistory,
  replay,
  replayFails,
  type Files,
} from './fixes-support';

const RULE = 'domain-constraint';
const setupWith = (quantities: string) =>
  `CREATE DOMAIN positive_int AS int;\nCREATE TABLE orders (id bigint PRIMARY KEY, quantity positive_int);\nINSERT INTO orders VALUES ${quantities};\n`;
const SETUP = setupWith('(1, 3), (2, 7), (3, NULL)');
const CHANGE = 'ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0);\n';

const convalidated = async (pg: PGlite, name: string) =>
  (await pg.query<{ convalidated: boolean }>('SELECT convalidated FROM pg_constraint WHERE conname = $1', [name])).rows;

/** The rewritten history, checked the way every case needs: the rule is silent, nothing new, all parses. */
function rewrite(files: Files) {
  const { plan, currentPath } = planForHistory(files, RULE);
  assert.ok(plan);
  // The edit puts NOT VALID into the statement: it cannot parse alone, the edited file must.
  assertParses(plan, { editsSpliceWords: true });
  const rewritten = applyPlan(files, currentPath, plan);
  assert.deepEqual(parseFile(rewritten[currentPath]).statements.filter((s) => s.kind === SYNTAX_ERROR), []);
  assert.deepEqual(findingsOf(rewritten, RULE).found, []);
  assertNoNewFindings(files, rewritten);
  return { plan, currentPath, rewritten };
}

describe('domain-constraint rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: NOT VALID now, VALIDATE next; replays, new values checked at once, constraint validated`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath, rewritten } = rewrite(files);
      const validate = 'ALTER DOMAIN positive_int VALIDATE CONSTRAINT positive;';
      const timeout = framework === 'plain' ? "SET lock_timeout = '2s';" : "SET LOCAL lock_timeout = '2s';";
      const up = expectedUpPath(framework, 'validate_positive');
      if (up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, false]]);
        assert.ok(plan.newFiles[0].content.includes(`${timeout}\n${validate}`), plan.newFiles[0].content);
        assert.equal(plan.newFiles[0].markerFiles, undefined);
      } else {
        assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-validate-positive\n-- Checks the existing values[^\n]*\nSET LOCAL lock_timeout = '2s';\nALTER DOMAIN positive_int VALIDATE CONSTRAINT positive;\n--rollback -- Nothing to undo: VALIDATE changes no definition\./);
      }
      // Where the framework keeps downs, the VALIDATE step's down says there is nothing to undo.
      const undo = /-- Nothing to undo: VALIDATE changes no definition\./;
      for (const down of plan.downFiles.filter((f) => !f.path.includes('verify/'))) assert.match(down.content, undo, down.path);
      if (['flyway', 'golang-migrate', 'diesel', 'sqitch'].includes(framework)) assert.equal(plan.downFiles.filter((f) => !f.path.includes('verify/')).length, 1);
      if (framework === 'dbmate' || framework === 'goose') assert.match(plan.newFiles[0].content, new RegExp(`(migrate:down|goose Down)\\n${undo.source}`));
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['constrain', currentPath], ['validate', up ?? currentPath]]);
      assert.match(plan.phases[0].lock, /no lock on the tables using positive_int/);
      assert.match(plan.phases[1].lock, /SHARE lock on every table using positive_int, which blocks writes/);
      assert.ok(plan.notes.some((n) => /VALIDATE CONSTRAINT still takes a SHARE lock on every table using positive_int, which blocks writes/.test(n) && /does not make the scan non-blocking/.test(n)), plan.notes.join('\n'));
      assert.ok(rewritten[currentPath].includes('ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;'), rewritten[currentPath]);

      // Between the two steps the application writes: a valid value goes in, a violating one is refused.
      let migrations = 0;
      const pg = await replay(rewritten, async (_path, db) => {
        if (++migrations !== 3) return;
        assert.deepEqual(await convalidated(db, 'positive'), [{ convalidated: false }]);
        await db.exec('INSERT INTO orders VALUES (4, 11)');
        await assert.rejects(db.exec('INSERT INTO orders VALUES (5, 0)'), /violates check constraint "positive"/);
      });
      try {
        assert.equal(migrations, 3);
        assert.deepEqual(await convalidated(pg, 'positive'), [{ convalidated: true }]);
        const rows = await pg.query<{ id: number; quantity: number | null }>('SELECT id::int, quantity FROM orders ORDER BY id');
        assert.deepEqual(rows.rows, [
          { id: 1, quantity: 3 },
          { id: 2, quantity: 7 },
          { id: 3, quantity: null },
          { id: 4, quantity: 11 },
        ]);
      } finally {
        await pg.close();
      }
    });
  }

  for (const framework of ['flyway', 'plain'] as const) {
    it(`${framework}: an existing violating row passes NOT VALID and makes the VALIDATE step fail`, async () => {
      const files = historyFiles(framework, setupWith('(1, 3), (2, 0)'), CHANGE);
      const { plan, rewritten } = rewrite(files);
      const validatePath = plan.newFiles[0].path;
      let reached = false;
      const pg = await replayFails(rewritten, /contains values that violate the new constraint/, async (path) => {
        if (path === validatePath) reached = true;
      });
      try {
        assert.ok(reached, 'the failure is in the VALIDATE step');
        await pg.exec('ROLLBACK').catch(() => undefined);
        assert.deepEqual(await convalidated(pg, 'positive'), [{ convalidated: false }]);
        assert.equal((await pg.query('SELECT 1 FROM orders')).rows.length, 2);
      } finally {
        await pg.close();
      }
    });
  }

  it('quotes a schema-qualified, mixed-case domain and constraint', async () => {
    const setup = 'CREATE SCHEMA app;\nCREATE DOMAIN app."Qty" AS int;\nCREATE TABLE orders (id bigint PRIMARY KEY, quantity app."Qty");\nINSERT INTO orders VALUES (1, 2);\n';
    const files = historyFiles('flyway', setup, 'ALTER DOMAIN app."Qty" ADD CONSTRAINT "Qty_positive" CHECK (VALUE > 0);\n');
    const { plan, rewritten } = rewrite(files);
    assert.match(plan.newFiles[0].content, /ALTER DOMAIN app\."Qty" VALIDATE CONSTRAINT "Qty_positive";/);
    assert.match(plan.phases[1].lock, /SHARE lock on every table using app\.Qty/);
    const pg = await replay(rewritten);
    try {
      assert.deepEqual(await convalidated(pg, 'Qty_positive'), [{ convalidated: true }]);
    } finally {
      await pg.close();
    }
  });

  it('an unnamed constraint gets no plan: VALIDATE needs its name', () => {
    const files = historyFiles('flyway', SETUP, 'ALTER DOMAIN positive_int ADD CHECK (VALUE > 0);\n');
    assert.equal(planForHistory(files, RULE).plan, null);
  });

  it('CREATE DOMAIN … CHECK gets no plan: a new domain has no values to validate later', () => {
    const files = historyFiles('flyway', SETUP, 'CREATE DOMAIN small_int AS int CONSTRAINT small CHECK (VALUE < 100);\n');
    assert.equal(planForHistory(files, RULE).plan, null);
  });
});
