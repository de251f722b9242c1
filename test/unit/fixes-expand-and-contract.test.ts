/**
 * expand-and-contract-same-migration rewrite: the ADD COLUMN stays, a sync trigger, a batched backfill
 * and the contract follow in their own migrations, for every framework; replayed on PGlite with the
 * old release writing the original column between the steps and the new one writing the replacement
 * before the contract, and the data checked after it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { loadHistory } from '../../server/src/engine/history/load';
import type { RewritePlan } from '../../server/src/engine/fixes/types';
import { applyPlan, assertNewSteps, assertNoNewFindings, findingsOf, FRAMEWORKS, hasColumn, historyFiles, planForHistory, replay, source, type Files, type FindingComparison } from './fixes-support';

const RULE = 'expand-and-contract-same-migration';
// 2500 rows: the backfill runs three batches of 1000.
const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, fullname text);\nINSERT INTO users SELECT g, 'name ' || g FROM generate_series(1, 2500) g;\n";
const CHANGE = 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;\nALTER TABLE users DROP COLUMN fullname;\n';
const STEPS: [string, boolean][] = [
  ['sync_users_full_name', false],
  ['backfill_users_full_name', true],
  ['drop_users_fullname', false],
];

/**
 * The plan for the rule's `which`-th finding, applied and checked for what every variant must hold:
 * the rule silent, nothing new flagged by any rule (matched as `comparison` says), every file parses.
 */
function applyChecked(files: Files, which = 0, comparison: FindingComparison = {}): { plan: RewritePlan; rewritten: Files; currentPath: string } {
  const { plan, currentPath } = planForHistory(files, RULE, { finding: which });
  assert.ok(plan);
  const rewritten = applyPlan(files, currentPath, plan);
  assert.deepEqual(findingsOf(rewritten, RULE).found, []);
  assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
  assertNoNewFindings(files, rewritten, comparison);
  return { plan, rewritten, currentPath };
}

/**
 * Runs `write` once before each of the plan's new migrations (the applications writing between the
 * steps), telling it which step comes next. Liquibase keeps every changeset in one file: there the step
 * is told by how many of the file's changesets ran already, the original history's first.
 */
function betweenSteps(files: Files, plan: RewritePlan, write: (step: number, pg: PGlite) => Promise<void>) {
  const paths = plan.phases.slice(1).map((p) => p.path);
  const oneFile = paths.every((p) => p === paths[0]);
  let changesets = -loadHistory(source(files)).migrations.filter((m) => m.path === paths[0]).length;
  const seen: number[] = [];
  const hook = async (path: string, pg: PGlite) => {
    const step = oneFile ? (path === paths[0] ? changesets++ : -1) : paths.indexOf(path);
    if (step < 0) return;
    seen.push(step);
    await write(step, pg);
  };
  return { hook, seen };
}

describe('expand-and-contract-same-migration rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: ADD stays, then sync trigger, backfill, contract; writes between steps survive; rule silent`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, rewritten, currentPath } = applyChecked(files);
      assertNewSteps(plan, framework, STEPS, /--changeset ana:2-sync-users-full-name splitStatements:false\n[^]*--changeset ana:2-backfill-users-full-name runInTransaction:false splitStatements:false\n[^]*--changeset ana:2-drop-users-fullname splitStatements:false\n/);
      assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'expand', 'backfill', 'contract']);
      assert.equal(plan.phases[0].path, currentPath);
      assert.match(plan.phases[3].deployBefore ?? '', /reads and writes full_name, no longer fullname/);
      assert.match(plan.phases[1].lock, /SHARE ROW EXCLUSIVE lock on users/);
      const all = [...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      assert.match(all, /pg_trigger_depth\(\) > 1/);
      assert.match(all, /NEW\.fullname := NEW\.full_name;/, 'a plain copy is synced both ways');
      assert.match(all, /IF EXISTS \(SELECT 1 FROM users WHERE full_name IS DISTINCT FROM fullname\) THEN\n\s*RAISE EXCEPTION/);
      assert.match(all, /DROP TRIGGER users_sync_full_name ON users;\nDROP FUNCTION users_sync_full_name\(\);\n\nALTER TABLE users DROP COLUMN fullname;/);
      // The current migration (for Liquibase, its changeset) keeps only the ADD COLUMN.
      const current = framework === 'liquibase' ? rewritten[currentPath].split('--changeset ana:2\n')[1].split('--changeset')[0] : rewritten[currentPath];
      assert.match(current, /ALTER TABLE users ADD COLUMN full_name text;\n/);
      assert.doesNotMatch(current, /UPDATE users|DROP COLUMN/);
      const downs = [...plan.downFiles.map((f) => f.content), ...plan.newFiles.map((f) => f.content), ...plan.edits.map((e) => e.newText)].join('\n');
      if (framework !== 'prisma' && framework !== 'supabase' && framework !== 'atlas' && framework !== 'plain') {
        assert.match(downs, /ADD COLUMN IF NOT EXISTS fullname text;\n(--rollback )?UPDATE users SET fullname = full_name;/);
        assert.match(downs, /DROP TRIGGER IF EXISTS users_sync_full_name ON users;/);
      }

      // The old release writes fullname until the contract; the new one, deployed before it, full_name.
      const { hook, seen } = betweenSteps(files, plan, async (step, pg) => {
        const id = 3001 + step * 10;
        await pg.exec(`INSERT INTO users (id, fullname) VALUES (${id}, 'old app ${step}')`);
        await pg.exec(`UPDATE users SET fullname = 'changed by old ${step}' WHERE id = ${7 + step}`);
        if (step === 2) {
          await pg.exec("INSERT INTO users (id, full_name) VALUES (4001, 'new app')");
          await pg.exec("UPDATE users SET full_name = 'changed by new' WHERE id = 20");
        }
      });
      const pg = await replay(rewritten, hook);
      try {
        assert.deepEqual(seen, [0, 1, 2], 'the applications wrote before each new step');
        assert.equal(await hasColumn(pg, 'users', 'fullname'), false);
        const rows = await pg.query<{ id: string; full_name: string }>('SELECT id::text, full_name FROM users WHERE id IN (1, 7, 8, 9, 20, 2500, 3001, 3011, 3021, 4001) ORDER BY users.id');
        assert.deepEqual(rows.rows, [
          { id: '1', full_name: 'name 1' },
          { id: '7', full_name: 'changed by old 0' },
          { id: '8', full_name: 'changed by old 1' },
          { id: '9', full_name: 'changed by old 2' },
          { id: '20', full_name: 'changed by new' },
          { id: '2500', full_name: 'name 2500' },
          { id: '3001', full_name: 'old app 0' },
          { id: '3011', full_name: 'old app 1' },
          { id: '3021', full_name: 'old app 2' },
          { id: '4001', full_name: 'new app' },
        ]);
        const count = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE full_name = 'name ' || id");
        assert.equal(count.rows[0].n, 2500 - 4);
        const leftovers = await pg.query("SELECT 1 FROM pg_trigger WHERE tgname = 'users_sync_full_name' UNION ALL SELECT 1 FROM pg_proc WHERE proname = 'users_sync_full_name'");
        assert.equal(leftovers.rows.length, 0);
      } finally {
        await pg.close();
      }
    });
  }

  it('a computed fill is synced one way, from every column it reads; both drops move to the contract', async () => {
    const setup = "CREATE TABLE people (id integer PRIMARY KEY, first text, last text);\nINSERT INTO people SELECT g, 'F' || g, 'L' || g FROM generate_series(1, 1500) g;\n";
    const change = "ALTER TABLE people ADD COLUMN full_name text;\nUPDATE people SET full_name = first || ' ' || last WHERE full_name IS NULL;\nALTER TABLE people DROP COLUMN first;\nALTER TABLE people DROP COLUMN last;\n";
    const files = historyFiles('dbmate', setup, change);
    assert.equal(findingsOf(files, RULE).found.length, 2, 'each drop is reported');
    // Both drops move to the contract migration: multiple-alter-table's finding on the second moves
    // with them, and its message names the first one's new line.
    const { plan, rewritten, currentPath } = applyChecked(files, 0, { match: 'messageId' });
    assert.deepEqual(applyChecked(files, 1, { match: 'messageId' }).plan, plan, 'either finding gives the same plan');
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'expand', 'backfill', 'contract']);
    const [sync, backfill, contract] = plan.newFiles.map((f) => f.content);
    assert.match(sync, /IF NEW\.full_name IS NULL THEN\n\s*NEW\.full_name := NEW\.first \|\| ' ' \|\| NEW\.last;/);
    assert.match(sync, /ELSIF NEW\.full_name IS NOT DISTINCT FROM OLD\.full_name AND \(NEW\.first IS DISTINCT FROM OLD\.first OR NEW\.last IS DISTINCT FROM OLD\.last\) THEN/);
    assert.doesNotMatch(sync, /NEW\.(first|last) :=/, 'nothing is copied back');
    assert.match(backfill, /UPDATE people SET full_name = first \|\| ' ' \|\| last\n\s*WHERE [^\n]*AND \(full_name IS NULL AND \(first \|\| ' ' \|\| last\) IS NOT NULL\);/);
    assert.match(contract, /ALTER TABLE people DROP COLUMN first;\n\nALTER TABLE people DROP COLUMN last;/);
    assert.match(contract, /WHERE full_name IS NULL AND full_name IS DISTINCT FROM \(first \|\| ' ' \|\| last\)/);
    assert.ok(plan.notes.some((n) => /one way, first and last → full_name: writes to full_name alone are not copied back/.test(n)));
    assert.equal(rewritten[currentPath], dbmateFile('ALTER TABLE people ADD COLUMN full_name text;\n'));

    const { hook, seen } = betweenSteps(files, plan, async (step, pg) => {
      await pg.exec(`INSERT INTO people (id, first, last) VALUES (${2001 + step}, 'Old', 'App${step}')`);
      await pg.exec(`UPDATE people SET last = 'Changed${step}' WHERE id = ${7 + step}`);
      if (step === 2) {
        await pg.exec("INSERT INTO people (id, full_name) VALUES (3001, 'New App')");
        await pg.exec("UPDATE people SET full_name = 'Renamed By New' WHERE id = 20");
      }
    });
    const pg = await replay(rewritten, hook);
    try {
      assert.deepEqual(seen, [0, 1, 2]);
      const rows = await pg.query<{ id: number; full_name: string }>('SELECT id, full_name FROM people WHERE id IN (1, 7, 8, 9, 20, 1500, 2001, 2002, 2003, 3001) ORDER BY id');
      assert.deepEqual(rows.rows, [
        { id: 1, full_name: 'F1 L1' },
        { id: 7, full_name: 'F7 Changed0' },
        { id: 8, full_name: 'F8 Changed1' },
        { id: 9, full_name: 'F9 Changed2' },
        { id: 20, full_name: 'Renamed By New' },
        { id: 1500, full_name: 'F1500 L1500' },
        { id: 2001, full_name: 'Old App0' },
        { id: 2002, full_name: 'Old App1' },
        { id: 2003, full_name: 'Old App2' },
        { id: 3001, full_name: 'New App' },
      ]);
      assert.equal(await hasColumn(pg, 'people', 'first'), false);
      assert.equal(await hasColumn(pg, 'people', 'last'), false);
    } finally {
      await pg.close();
    }
  });

  it('renaming the original away moves to the contract step, and its down renames it back', async () => {
    const change = 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;\nALTER TABLE users RENAME COLUMN fullname TO fullname_old;\n';
    const files = historyFiles('golang-migrate', SETUP, change);
    const { plan, rewritten } = applyChecked(files);
    assert.match(plan.newFiles[2].path, /000005_rename_users_fullname\.up\.sql$/);
    assert.match(plan.newFiles[2].content, /DROP FUNCTION users_sync_full_name\(\);\n\nALTER TABLE users RENAME COLUMN fullname TO fullname_old;\n$/);
    assert.match(plan.downFiles[2].content, /^ALTER TABLE users RENAME COLUMN fullname_old TO fullname;/);
    const pg = await replay(rewritten);
    try {
      const rows = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE full_name = fullname_old');
      assert.equal(rows.rows[0].n, 2500);
    } finally {
      await pg.close();
    }
  });

  it('a computed fill from one column: the trigger keeps the replacement filled from it', async () => {
    const setup = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'U' || g || '@Example.com' FROM generate_series(1, 50) g;\n";
    const change = 'ALTER TABLE users ADD COLUMN email_lower text;\nUPDATE users SET email_lower = lower(email);\nALTER TABLE users DROP COLUMN email;\n';
    const files = historyFiles('flyway', setup, change);
    const { plan, rewritten } = applyChecked(files);
    assert.match(plan.newFiles[0].content, /NEW\.email_lower := lower\(NEW\.email\);/);
    assert.match(plan.newFiles[2].content, /WHERE email_lower IS NULL AND email_lower IS DISTINCT FROM \(lower\(email\)\)/);
    const pg = await replay(rewritten, async (path, db) => {
      if (path === plan.newFiles[1].path) await db.exec("INSERT INTO users (id, email) VALUES (51, 'Old@App.com'); UPDATE users SET email = 'Moved@Example.com' WHERE id = 2;");
    });
    try {
      const rows = await pg.query<{ id: string; email_lower: string }>('SELECT id::text, email_lower FROM users WHERE id IN (1, 2, 51) ORDER BY users.id');
      assert.deepEqual(rows.rows, [
        { id: '1', email_lower: 'u1@example.com' },
        { id: '2', email_lower: 'moved@example.com' },
        { id: '51', email_lower: 'old@app.com' },
      ]);
    } finally {
      await pg.close();
    }
  });

  it('the contract step refuses to drop the original while a row is not filled', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, rewritten } = applyChecked(files);
    const sabotage = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[2].path) await pg.exec('ALTER TABLE users DISABLE TRIGGER users_sync_full_name; UPDATE users SET fullname = NULL WHERE id = 3;');
    };
    await assert.rejects(replay(rewritten, sabotage), /users\.full_name is not equal to fullname in some rows/);
  });

  describe('no plan', () => {
    const cases: [string, string, string][] = [
      ['without a single-column primary key: batches need an order', 'CREATE TABLE users (id bigint, fullname text);\n', CHANGE],
      ['for a swap: the replacement takes the original name in the same migration', SETUP, `${CHANGE}ALTER TABLE users RENAME COLUMN full_name TO fullname;\n`],
      ['when another statement uses the replacement before the backfill could run', SETUP, CHANGE.replace('ALTER TABLE users DROP', 'ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;\nALTER TABLE users DROP')],
      ['when the fill filters rows the trigger would not', SETUP, CHANGE.replace('= fullname;', "= fullname WHERE id > 10;")],
      ['when the fill reads another table', `${SETUP}CREATE TABLE names (id bigint, name text);\n`, CHANGE.replace('= fullname;', '= (SELECT name FROM names n WHERE n.id = users.id) || fullname;')],
      ['when a later statement uses the name the original is renamed to', SETUP, `${CHANGE.replace('DROP COLUMN fullname;', 'RENAME COLUMN fullname TO fullname_old;')}COMMENT ON COLUMN users.fullname_old IS 'old';\n`],
      ['when the drop shares its ALTER TABLE with another change', SETUP, CHANGE.replace('DROP COLUMN fullname;', 'DROP COLUMN fullname, ADD COLUMN nickname text;')],
      ['for a table copied and dropped', SETUP, 'CREATE TABLE users_v2 (id bigint PRIMARY KEY, fullname text);\nINSERT INTO users_v2 SELECT id, fullname FROM users;\nDROP TABLE users;\n'],
    ];
    for (const [name, setup, change] of cases) {
      it(name, () => {
        const files = historyFiles('flyway', setup, change);
        assert.equal(planForHistory(files, RULE).plan, null);
      });
    }
  });
});

const dbmateFile = (up: string) => `-- migrate:up\n${up}\n\n-- migrate:down\nSELECT 1;\n`;
