/**
 * add-column-serial rewrite: sequence + nullable bigint with a nextval() default now, batched numbering
 * of the existing rows outside a transaction, the NOT NULL recipe, and the primary key through a unique
 * index built concurrently; for every framework, replayed on PGlite with rows present and the
 * application inserting rows between the steps.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNewSteps, assertNoNewFindings, findingsOf, FRAMEWORKS, historyFiles, insertsBetweenSteps, planAtVersion, planForHistory, replay } from './fixes-support';

const RULE = 'add-column-serial';
// No primary key yet (the new column becomes it): the backfill walks pages; 2500 rows fill several batches.
const SETUP = "CREATE TABLE users (email text);\nINSERT INTO users SELECT 'u' || g || '@example.com' FROM generate_series(1, 2500) g;\n";
const CHANGE = 'ALTER TABLE users ADD COLUMN id bigserial PRIMARY KEY;\n';
const STEPS: [string, boolean][] = [
  ['backfill_users_id', true],
  ['check_users_id_not_null', false],
  ['set_users_id_not_null', false],
  ['create_unique_index_users_pkey_concurrently', true],
  ['add_primary_key_users_pkey', false],
];

describe('add-column-serial rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: sequence default now, numbering in batches, NOT NULL, primary key by index; no rewrite, ids distinct`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, RULE);
      assert.ok(plan);
      assertNewSteps(plan, framework, STEPS, /--changeset ana:2-backfill-users-id runInTransaction:false splitStatements:false\n[^]*--changeset ana:2-check-users-id-not-null\n[^]*--changeset ana:2-set-users-id-not-null\n[^]*--changeset ana:2-create-unique-index-users-pkey-concurrently runInTransaction:false\n[^]*--changeset ana:2-add-primary-key-users-pkey\n/);
      assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'constrain', 'validate', 'build', 'constrain']);
      assert.ok(plan.notes.some((n) => n.includes('no single-column primary key')));

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(
        rewritten[currentPath].includes("CREATE SEQUENCE users_id_seq;\nALTER TABLE users ADD COLUMN id bigint, ALTER COLUMN id SET DEFAULT nextval('users_id_seq');\nALTER SEQUENCE users_id_seq OWNED BY users.id;"),
        rewritten[currentPath],
      );
      assert.deepEqual(findingsOf(rewritten, RULE).found, []);
      assertNoNewFindings(files, rewritten);

      const app = insertsBetweenSteps('users', 'id', "INSERT INTO users (email) VALUES ('app' || $1::int || '@example.com')");
      const pg = await replay(rewritten, app.hook);
      try {
        assert.ok(app.inserted() >= 5, `the application inserted between the steps (${app.inserted()} rows)`);
        await app.rewrites.assertNone(pg);
        const total = 2500 + app.inserted();
        const rows = await pg.query<{ total: number; filled: number; distinct: number }>('SELECT count(*)::int AS total, count(id)::int AS filled, count(DISTINCT id)::int AS distinct FROM users');
        assert.deepEqual(rows.rows, [{ total, filled: total, distinct: total }]);
        const key = await pg.query("SELECT contype, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype <> 'n'");
        assert.deepEqual(key.rows, [{ contype: 'p', def: 'PRIMARY KEY (id)' }]);
        const column = await pg.query("SELECT format_type(atttypid, atttypmod) AS type, attnotnull, pg_get_serial_sequence('users', 'id') AS seq FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'id'");
        assert.deepEqual(column.rows, [{ type: 'bigint', attnotnull: true, seq: 'public.users_id_seq' }]);
      } finally {
        await pg.close();
      }
    });
  }

  it('an identity column on a table with a primary key: batches by id, the declared type kept, a note on identity', async () => {
    const setup = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 2500) g;\n";
    const files = historyFiles('flyway', setup, 'ALTER TABLE users ADD COLUMN ticket integer GENERATED ALWAYS AS IDENTITY;\n');
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.deepEqual(plan.phases.map((p) => p.name), ['expand', 'backfill', 'constrain', 'validate']);
    assert.match(plan.newFiles[0].content, /UPDATE users SET ticket = nextval\('users_ticket_seq'\)\n {6}WHERE \(last_id IS NULL OR id > last_id\) AND id <= batch_end AND \(ticket IS NULL\);/);
    assert.ok(plan.notes.some((n) => /AS IDENTITY cannot be run without the rewrite[^]*sequence default/.test(n)));
    const rewritten = applyPlan(files, currentPath, plan);
    assert.ok(rewritten[currentPath].startsWith('CREATE SEQUENCE users_ticket_seq AS integer;\nALTER TABLE users ADD COLUMN ticket integer, ALTER COLUMN ticket SET DEFAULT'));
    assertNoNewFindings(files, rewritten);
    const app = insertsBetweenSteps('users', 'ticket', "INSERT INTO users (id, email) VALUES (3000 + $1::int, 'app')");
    const pg = await replay(rewritten, app.hook);
    try {
      const total = 2500 + app.inserted();
      const rows = await pg.query<{ total: number; distinct: number }>('SELECT count(*)::int AS total, count(DISTINCT ticket)::int AS distinct FROM users');
      assert.deepEqual(rows.rows, [{ total, distinct: total }]);
      const column = await pg.query("SELECT format_type(atttypid, atttypmod) AS type, attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'ticket'");
      assert.deepEqual(column.rows, [{ type: 'integer', attnotnull: true }]);
    } finally {
      await pg.close();
    }
  });

  it('gives up without a single-column primary key before PostgreSQL 14 (no TID range scans)', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, RULE, '13'), null);
    assert.ok(planAtVersion(files, RULE, '14'));
  });

  it('gives up on what it cannot carry over or what would fail anyway', () => {
    const withKey = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n';
    for (const [setup, change] of [
      [withKey, 'ALTER TABLE users ADD COLUMN n int GENERATED BY DEFAULT AS IDENTITY (START WITH 100);\n'],
      [withKey, 'ALTER TABLE users ADD COLUMN n bigserial PRIMARY KEY;\n'],
      [withKey, 'ALTER TABLE users ADD COLUMN n bigserial, ADD COLUMN age int;\n'],
      [withKey, 'ALTER TABLE users ADD COLUMN n bigserial REFERENCES users (id);\n'],
    ]) {
      assert.equal(planForHistory(historyFiles('flyway', setup, change), RULE).plan, null, change);
    }
  });
});
