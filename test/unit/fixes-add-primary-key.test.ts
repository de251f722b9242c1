/**
 * add-primary-key rewrite: CHECK (c IS NOT NULL) NOT VALID now; VALIDATE, SET NOT NULL and DROP CHECK
 * next; the unique index built CONCURRENTLY outside a transaction; then ADD CONSTRAINT … PRIMARY KEY
 * USING INDEX. For every framework, replayed on PGlite with rows written between the steps, with
 * PostgreSQL's own word that neither SET NOT NULL nor the attaching ALTER scanned the table.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, assertParses, everyText, expectedUpPaths, findingsOf, FRAMEWORKS, historyFiles, planAtVersion, planForHistory, relationExists, replay, replayStepAtDebug } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint, email text);\nINSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 50) g;\n";
const CHANGE = 'ALTER TABLE users ADD PRIMARY KEY (id);\n';
const SLUGS = ['set_users_id_not_null', 'create_unique_index_users_pkey_concurrently', 'add_primary_key_users_pkey'];
const ADD_CHECK = 'ALTER TABLE users ADD CONSTRAINT users_id_not_null CHECK (id IS NOT NULL) NOT VALID;';
const NOT_NULL_STEP = [
  'ALTER TABLE users VALIDATE CONSTRAINT users_id_not_null;',
  'ALTER TABLE users ALTER COLUMN id SET NOT NULL;',
  'ALTER TABLE users DROP CONSTRAINT users_id_not_null;',
].join('\n');
const BUILD = 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_pkey ON users (id);';
const ATTACH = 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey;';
/** Frameworks that keep no down migrations in these fixtures. */
const NO_DOWNS = new Set(['prisma', 'supabase', 'atlas', 'plain']);

describe('add-primary-key rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: NOT VALID CHECK now; validate + SET NOT NULL; unique index concurrently; PRIMARY KEY USING INDEX`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'add-primary-key');
      assert.ok(plan, 'a plan');
      const paths = expectedUpPaths(framework, SLUGS);
      if (paths[0]) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[paths[0], false], [paths[1], true], [paths[2], false]]);
        assert.ok(plan.newFiles[0].content.includes(NOT_NULL_STEP), plan.newFiles[0].content);
        assert.ok(plan.newFiles[1].content.includes(BUILD), plan.newFiles[1].content);
        assert.ok(plan.newFiles[2].content.includes(ATTACH), plan.newFiles[2].content);
      } else {
        assert.deepEqual(plan.newFiles, []);
        const added = plan.edits.map((e) => e.newText).join('');
        assert.match(added, /--changeset ana:2-set-users-id-not-null\n[^]*--changeset ana:2-create-unique-index-users-pkey-concurrently runInTransaction:false\n[^]*--changeset ana:2-add-primary-key-users-pkey\n/);
        for (const sql of [NOT_NULL_STEP, BUILD, ATTACH]) assert.ok(added.includes(sql), sql);
      }
      const steps = paths.map((p) => p ?? currentPath);
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['constrain', currentPath], ['validate', steps[0]], ['build', steps[1]], ['constrain', steps[2]]]);
      assert.match(plan.phases[0].deployBefore ?? '', /writes id on every insert/);
      assert.match(plan.phases[1].deployBefore ?? '', /id IS NULL are backfilled/);
      assert.match(plan.phases[2].lock, /^SHARE UPDATE EXCLUSIVE lock on users/);
      assert.match(plan.phases[3].lock, /^ACCESS EXCLUSIVE lock on users, .*for a moment/);
      if (!NO_DOWNS.has(framework)) {
        const downs = everyText(plan);
        for (const sql of ['ALTER TABLE users ALTER COLUMN id DROP NOT NULL;', 'DROP INDEX CONCURRENTLY IF EXISTS users_pkey;', 'ALTER TABLE users DROP CONSTRAINT users_pkey;']) assert.ok(downs.includes(sql), sql);
      }
      assertParses(plan);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes(ADD_CHECK), rewritten[currentPath]);
      assert.deepEqual(findingsOf(rewritten, 'add-primary-key').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);

      // The application, already writing id, inserts a row before each migration.
      let written = 0;
      const app = async (_path: string, pg: PGlite) => {
        if (!(await relationExists(pg, 'users'))) return;
        written++;
        await pg.exec(`INSERT INTO users VALUES (${1000 + written}, 'app${written}@example.com')`);
      };
      const pg = await replay(rewritten, app);
      try {
        assert.ok(written >= 4, `rows written between the steps: ${written}`);
        const key = await pg.query("SELECT c.contype, c.convalidated, c.conindid::regclass::text AS index, i.indisvalid, i.indisprimary FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid WHERE c.conrelid = 'users'::regclass AND c.contype = 'p'");
        assert.deepEqual(key.rows, [{ contype: 'p', convalidated: true, index: 'users_pkey', indisvalid: true, indisprimary: true }]);
        const checks = await pg.query("SELECT conname FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'c'");
        assert.deepEqual(checks.rows, [], 'the CHECK is dropped');
        const rows = await pg.query<{ n: number; sum: string }>("SELECT count(*)::int AS n, sum(id)::text AS sum FROM users WHERE email LIKE 'u%' AND email = 'u' || id || '@example.com'");
        assert.deepEqual(rows.rows, [{ n: 50, sum: '1275' }]);
        const app = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE email = 'app' || (id - 1000) || '@example.com'");
        assert.equal(app.rows[0].n, written);
        await assert.rejects(pg.exec("INSERT INTO users VALUES (1, 'again@example.com')"), /duplicate key value violates unique constraint "users_pkey"/);
      } finally {
        await pg.close();
      }
    });
  }

  it('SET NOT NULL and the attaching ALTER do not scan users (PostgreSQL says so at DEBUG1)', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'add-primary-key');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const notNull = await replayStepAtDebug(rewritten, plan.newFiles[0].path);
    // VALIDATE scans (under SHARE UPDATE EXCLUSIVE); SET NOT NULL, under ACCESS EXCLUSIVE, must not.
    assert.match(notNull.find((s) => s.sql.includes('VALIDATE'))?.messages.join('\n') ?? '', /verifying table "users"/);
    const setNotNull = notNull.find((s) => s.sql.includes('SET NOT NULL'))?.messages.join('\n') ?? '';
    assert.match(setNotNull, /existing constraints on column "users.id" are sufficient to prove that it does not contain nulls/);
    assert.doesNotMatch(setNotNull, /verifying table/);
    const attach = await replayStepAtDebug(rewritten, plan.newFiles[2].path);
    assert.deepEqual(attach.flatMap((s) => s.messages).filter((m) => /verifying table/.test(m)), []);
    // The ADD PRIMARY KEY as written does scan (so the checks above can fail).
    const unplanned = { ...historyFiles('flyway', SETUP, 'SELECT 1;\n'), 'db/V3__pk.sql': CHANGE };
    assert.match((await replayStepAtDebug(unplanned, 'db/V3__pk.sql')).flatMap((s) => s.messages).join('\n'), /verifying table "users"/);
  });

  it('a NULL key written before the CHECK makes the VALIDATE step fail; new NULL rows are refused at once', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'add-primary-key');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const early = async (path: string, pg: PGlite) => {
      if (path === currentPath) await pg.exec("INSERT INTO users VALUES (NULL, 'ghost@example.com')");
    };
    await assert.rejects(replay(rewritten, early), /V3__set_users_id_not_null[^]*check constraint "users_id_not_null" of relation "users" is violated by some row/);
    const late = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec("INSERT INTO users VALUES (NULL, 'ghost@example.com')");
    };
    await assert.rejects(replay(rewritten, late), /new row for relation "users" violates check constraint "users_id_not_null"/);
  });

  it('a duplicate key makes the concurrent build fail, before anything is attached', async () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'add-primary-key');
    assert.ok(plan);
    const duplicate = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[1].path) await pg.exec("INSERT INTO users VALUES (7, 'twin@example.com')");
    };
    await assert.rejects(replay(applyPlan(files, currentPath, plan), duplicate), /V4__create_unique_index_users_pkey_concurrently[^]*could not create unique index "users_pkey"/);
  });

  it('NOT NULL key columns: no CHECK, the statement leaves the current migration', async () => {
    const setup = "CREATE TABLE users (id bigint NOT NULL, email text);\nINSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 20) g;\n";
    const files = historyFiles('goose', setup, 'ALTER TABLE users ADD CONSTRAINT users_pk PRIMARY KEY (id);\nCREATE TABLE orgs (id bigint PRIMARY KEY);\n');
    const { plan, currentPath } = planForHistory(files, 'add-primary-key');
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [
      ['migrations/00003_create_unique_index_users_pk_concurrently.sql', true],
      ['migrations/00004_add_primary_key_users_pk.sql', false],
    ]);
    assert.deepEqual(plan.phases.map((p) => p.name), ['build', 'constrain']);
    const rewritten = applyPlan(files, currentPath, plan);
    assert.doesNotMatch(rewritten[currentPath], /users_pk/);
    assert.deepEqual(findingsOf(rewritten, 'add-primary-key').found, []);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      const key = await pg.query("SELECT conname, convalidated FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'p'");
      assert.deepEqual(key.rows, [{ conname: 'users_pk', convalidated: true }]);
    } finally {
      await pg.close();
    }
  });

  it('a two-column key: a CHECK per nullable column, validated and dropped together', async () => {
    const setup = "CREATE TABLE memberships (org_id bigint NOT NULL, user_id bigint, role text);\nINSERT INTO memberships SELECT g % 5, g, 'member' FROM generate_series(1, 40) g;\n";
    const files = historyFiles('dbmate', setup, 'ALTER TABLE memberships ADD CONSTRAINT memberships_pkey PRIMARY KEY (org_id, user_id);\n');
    const { plan, currentPath } = planForHistory(files, 'add-primary-key');
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    assert.ok(rewritten[currentPath].includes('ALTER TABLE memberships ADD CONSTRAINT memberships_user_id_not_null CHECK (user_id IS NOT NULL) NOT VALID;'));
    assert.ok(plan.newFiles[1].content.includes('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS memberships_pkey ON memberships (org_id, user_id);'));
    assert.deepEqual(findingsOf(rewritten, 'add-primary-key').found, []);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      const key = await pg.query("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'memberships_pkey'");
      assert.deepEqual(key.rows, [{ def: 'PRIMARY KEY (org_id, user_id)' }]);
    } finally {
      await pg.close();
    }
  });

  it("reuses the table's own NOT VALID CHECK instead of adding one, and keeps it", async () => {
    const setup = `${SETUP}ALTER TABLE users ADD CONSTRAINT users_id_present CHECK (id IS NOT NULL) NOT VALID;\n`;
    const files = historyFiles('flyway', setup, CHANGE);
    const { plan, currentPath } = planForHistory(files, 'add-primary-key');
    assert.ok(plan);
    assert.ok(plan.newFiles[0].content.includes('ALTER TABLE users VALIDATE CONSTRAINT users_id_present;\nALTER TABLE users ALTER COLUMN id SET NOT NULL;\n'));
    assert.doesNotMatch(plan.newFiles[0].content, /DROP CONSTRAINT/);
    assert.deepEqual(plan.phases.map((p) => p.name), ['validate', 'build', 'constrain']);
    const rewritten = applyPlan(files, currentPath, plan);
    assert.equal(rewritten[currentPath].trim(), '');
    assert.deepEqual(findingsOf(rewritten, 'add-primary-key').found, []);
    const pg = await replay(rewritten);
    try {
      const check = await pg.query("SELECT convalidated FROM pg_constraint WHERE conname = 'users_id_present'");
      assert.deepEqual(check.rows, [{ convalidated: true }]);
    } finally {
      await pg.close();
    }
  });

  it('no plan before PostgreSQL 12 for a nullable key column, where the CHECK does not spare the scan', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, 'add-primary-key', '11'), null);
    assert.ok(planAtVersion(files, 'add-primary-key', '12'));
  });

  const NO_PLAN = [
    { what: 'other subcommands in the ALTER', change: 'ALTER TABLE users ADD PRIMARY KEY (id), ADD COLUMN age int;\n' },
    { what: 'a DEFERRABLE key', change: 'ALTER TABLE users ADD PRIMARY KEY (id) DEFERRABLE;\n' },
    { what: 'INCLUDE columns', change: 'ALTER TABLE users ADD PRIMARY KEY (id) INCLUDE (email);\n' },
    { what: 'index storage options', change: 'ALTER TABLE users ADD PRIMARY KEY (id) WITH (fillfactor = 70);\n' },
    { what: 'a table that has a primary key', setup: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n', change: 'ALTER TABLE users ADD CONSTRAINT users_email_pk PRIMARY KEY (email);\n' },
    { what: 'an index name already in use', setup: `${SETUP}CREATE INDEX users_pkey ON users (email);\n`, change: CHANGE },
  ];
  for (const c of NO_PLAN) {
    it(`no plan for ${c.what}`, () => {
      const files = historyFiles('flyway', c.setup ?? SETUP, c.change);
      assert.equal(planForHistory(files, 'add-primary-key').plan, null);
    });
  }
});
