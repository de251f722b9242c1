/**
 * add-column-inline-constraint rewrite: the bare column now, then the constraint by its own recipe in
 * later migrations (CHECK and REFERENCES: NOT VALID, then VALIDATE, with an index on the referencing
 * column built CONCURRENTLY first; UNIQUE: unique index CONCURRENTLY, then USING INDEX; PRIMARY KEY:
 * the not-null recipe first). Golden layouts for every framework; replayed on PGlite with rows written
 * between the steps, and rows that violate the constraint failing the step that checks them.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { resolveConfig } from '../../server/src/engine/config';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { planFor } from '../../server/src/engine/fixes/plan';
import { applyPlan, assertNoNewFindings, assertParses, expectedUpPath, findingsOf, FRAMEWORKS, hasColumn, historyFiles, indexDefinition, NOW, planForHistory, relationExists, replay, source } from './fixes-support';

const RULE = 'add-column-inline-constraint';
const SETUP = `CREATE TABLE orgs (id bigint PRIMARY KEY);
INSERT INTO orgs SELECT g FROM generate_series(1, 5) g;
CREATE TABLE users (id bigint PRIMARY KEY, email text);
INSERT INTO users SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 50) g;
CREATE TABLE logs (msg text);
INSERT INTO logs SELECT 'line ' || g FROM generate_series(1, 30) g;
`;

interface Case {
  kind: string;
  change: string;
  /** The current migration's statement after the plan. */
  bare: string;
  /** Slug, runs outside a transaction, a statement it holds. */
  steps: [string, boolean, string][];
  phases: string[];
}

const CASES: Case[] = [
  {
    kind: 'CHECK',
    change: 'ALTER TABLE users ADD COLUMN age int DEFAULT 0 NOT NULL CHECK (age >= 0);\n',
    bare: 'ALTER TABLE users ADD COLUMN age int DEFAULT 0 NOT NULL;',
    steps: [
      ['add_check_users_age_check_not_valid', false, 'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;'],
      ['validate_users_age_check', false, 'ALTER TABLE users VALIDATE CONSTRAINT users_age_check;'],
    ],
    phases: ['expand', 'constrain', 'validate'],
  },
  {
    kind: 'REFERENCES',
    change: 'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id) ON DELETE CASCADE;\n',
    bare: 'ALTER TABLE users ADD COLUMN org_id bigint;',
    steps: [
      ['create_index_users_org_id_idx_concurrently', true, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx ON users (org_id);'],
      ['add_foreign_key_users_org_id_fkey_not_valid', false, 'ALTER TABLE users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE NOT VALID;'],
      ['validate_users_org_id_fkey', false, 'ALTER TABLE users VALIDATE CONSTRAINT users_org_id_fkey;'],
    ],
    phases: ['expand', 'build', 'constrain', 'validate'],
  },
  {
    kind: 'UNIQUE',
    change: 'ALTER TABLE users ADD COLUMN handle text CONSTRAINT users_handle_unique UNIQUE;\n',
    bare: 'ALTER TABLE users ADD COLUMN handle text;',
    steps: [
      ['create_unique_index_users_handle_unique_concurrently', true, 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_handle_unique ON users (handle);'],
      ['add_unique_constraint_users_handle_unique', false, 'ALTER TABLE users ADD CONSTRAINT users_handle_unique UNIQUE USING INDEX users_handle_unique;'],
    ],
    phases: ['expand', 'build', 'constrain'],
  },
  {
    kind: 'PRIMARY KEY',
    change: 'ALTER TABLE logs ADD COLUMN id bigint PRIMARY KEY;\n',
    bare: 'ALTER TABLE logs ADD COLUMN id bigint;',
    steps: [
      ['add_check_logs_id_not_null_not_valid', false, 'ALTER TABLE logs ADD CONSTRAINT logs_id_not_null CHECK (id IS NOT NULL) NOT VALID;'],
      ['set_logs_id_not_null', false, 'ALTER TABLE logs VALIDATE CONSTRAINT logs_id_not_null;\nALTER TABLE logs ALTER COLUMN id SET NOT NULL;\nALTER TABLE logs DROP CONSTRAINT logs_id_not_null;'],
      ['create_unique_index_logs_pkey_concurrently', true, 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS logs_pkey ON logs (id);'],
      ['add_primary_key_logs_pkey', false, 'ALTER TABLE logs ADD CONSTRAINT logs_pkey PRIMARY KEY USING INDEX logs_pkey;'],
    ],
    phases: ['expand', 'constrain', 'validate', 'build', 'constrain'],
  },
];

describe('add-column-inline-constraint rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    for (const c of CASES) {
      it(`${framework}, inline ${c.kind}: bare column now, the constraint's recipe in later migrations`, () => {
        const files = historyFiles(framework, SETUP, c.change);
        const { plan, currentPath } = planForHistory(files, RULE);
        assert.ok(plan, 'a plan');
        const paths = c.steps.map(([slug], i) => expectedUpPath(framework, slug, i));
        if (paths[0]) {
          assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), c.steps.map(([, nonTx], i) => [paths[i], nonTx]));
          c.steps.forEach(([, , sql], i) => assert.ok(plan.newFiles[i].content.includes(sql), plan.newFiles[i].content));
        } else {
          assert.deepEqual(plan.newFiles, []);
          const added = plan.edits.map((e) => e.newText).join('');
          for (const [slug, nonTx, sql] of c.steps) {
            assert.ok(added.includes(`--changeset ana:2-${slug.replace(/_/g, '-')}${nonTx ? ' runInTransaction:false' : ''}\n`), slug);
            assert.ok(added.includes(sql), sql);
          }
        }
        assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), c.phases.map((name, i) => [name, i === 0 ? currentPath : (paths[i - 1] ?? currentPath)]));
        assertParses(plan);
        const rewritten = applyPlan(files, currentPath, plan);
        assert.ok(rewritten[currentPath].includes(c.bare), rewritten[currentPath]);
        assert.deepEqual(findingsOf(rewritten, RULE).found, []);
        assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
        assertNoNewFindings(files, rewritten);
      });
    }
  }

  // REFERENCES has every kind of step (concurrent index, NOT VALID, VALIDATE): replay it everywhere.
  for (const framework of FRAMEWORKS) {
    it(`${framework}: inline REFERENCES replays with rows written between the steps; the key is indexed, valid and cascades`, async () => {
      const files = historyFiles(framework, SETUP, CASES[1].change);
      const { plan, currentPath } = planForHistory(files, RULE);
      assert.ok(plan);
      const rewritten = applyPlan(files, currentPath, plan);
      assert.deepEqual(findingsOf(files, 'fk-missing-index').found.length, 1, 'the original leaves the key unindexed');
      assert.deepEqual(findingsOf(rewritten, 'fk-missing-index').found, []);

      // The application inserts a user before each migration, and sets org_id once the column is there.
      let written = 0;
      const app = async (_path: string, pg: PGlite) => {
        if (!(await relationExists(pg, 'users'))) return;
        written++;
        await pg.exec(`INSERT INTO users (id, email) VALUES (${1000 + written}, 'app${written}@example.com')`);
        if (await hasColumn(pg, 'users', 'org_id')) await pg.exec(`UPDATE users SET org_id = 3 WHERE id IN (${1000 + written}, ${written})`);
      };
      const pg = await replay(rewritten, app);
      try {
        assert.ok(written >= 4, `rows written between the steps: ${written}`);
        assert.deepEqual(await constraint(pg, 'users_org_id_fkey'), [{ contype: 'f', convalidated: true, def: 'FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE CASCADE' }]);
        assert.deepEqual(await indexDefinition(pg, 'users_org_id_idx'), [{ indisvalid: true, def: 'CREATE INDEX users_org_id_idx ON public.users USING btree (org_id)' }]);
        const counts = await pg.query<{ n: number; linked: number }>('SELECT count(*)::int AS n, count(org_id)::int AS linked FROM users');
        assert.equal(counts.rows[0].n, 50 + written);
        assert.ok(counts.rows[0].linked >= 4, 'org_id written between the steps is kept');
        const intact = await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE id <= 50 AND email = 'u' || id || '@example.com'");
        assert.equal(intact.rows[0].n, 50);
        await assert.rejects(pg.exec("INSERT INTO users (id, email, org_id) VALUES (9999, 'x', 42)"), /violates foreign key constraint "users_org_id_fkey"/);
        await pg.exec('DELETE FROM orgs WHERE id = 3');
        const left = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE org_id IS NOT NULL');
        assert.equal(left.rows[0].n, 0, 'ON DELETE CASCADE carried over');
      } finally {
        await pg.close();
      }
    });
  }

  it('CHECK: replays with rows; a violating row written before the CHECK fails VALIDATE, one written after is refused', async () => {
    const files = historyFiles('flyway', SETUP, CASES[0].change);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const app = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[1].path) await pg.exec("INSERT INTO users (id, email, age) VALUES (1001, 'app@example.com', 33)");
    };
    const pg = await replay(rewritten, app);
    try {
      assert.deepEqual(await constraint(pg, 'users_age_check'), [{ contype: 'c', convalidated: true, def: 'CHECK ((age >= 0))' }]);
      const ages = await pg.query<{ n: number; sum: number }>('SELECT count(*)::int AS n, sum(age)::int AS sum FROM users');
      assert.deepEqual(ages.rows, [{ n: 51, sum: 33 }]);
    } finally {
      await pg.close();
    }
    const early = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec('UPDATE users SET age = -1 WHERE id = 9');
    };
    await assert.rejects(replay(rewritten, early), /V4__validate_users_age_check[^]*check constraint "users_age_check" of relation "users" is violated by some row/);
    const late = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[1].path) await pg.exec('UPDATE users SET age = -1 WHERE id = 9');
    };
    await assert.rejects(replay(rewritten, late), /new row for relation "users" violates check constraint "users_age_check"/);
  });

  it('REFERENCES: a dangling key written before the constraint fails VALIDATE', async () => {
    const files = historyFiles('flyway', SETUP, CASES[1].change);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    const dangling = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[1].path) await pg.exec('UPDATE users SET org_id = 42 WHERE id = 9');
    };
    await assert.rejects(replay(applyPlan(files, currentPath, plan), dangling), /V5__validate_users_org_id_fkey[^]*violates foreign key constraint "users_org_id_fkey"/);
  });

  it('UNIQUE: replays with rows into a valid unique constraint; a duplicate fails the concurrent build', async () => {
    const files = historyFiles('flyway', SETUP, CASES[2].change);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    const app = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec("UPDATE users SET handle = 'h' || id WHERE id <= 10");
    };
    const pg = await replay(rewritten, app);
    try {
      assert.deepEqual(await constraint(pg, 'users_handle_unique'), [{ contype: 'u', convalidated: true, def: 'UNIQUE (handle)' }]);
      assert.deepEqual(await indexDefinition(pg, 'users_handle_unique'), [{ indisvalid: true, def: 'CREATE UNIQUE INDEX users_handle_unique ON public.users USING btree (handle)' }]);
      const handles = await pg.query<{ n: number }>('SELECT count(handle)::int AS n FROM users');
      assert.equal(handles.rows[0].n, 10);
    } finally {
      await pg.close();
    }
    const twins = async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec("UPDATE users SET handle = 'same' WHERE id IN (3, 4)");
    };
    await assert.rejects(replay(rewritten, twins), /V3__create_unique_index_users_handle_unique_concurrently[^]*could not create unique index "users_handle_unique"/);
  });

  it('PRIMARY KEY: the application fills the new column, then it is proven NOT NULL and becomes the key; unfilled rows fail VALIDATE', async () => {
    const files = historyFiles('flyway', SETUP, CASES[3].change);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.match(plan.phases[1].deployBefore ?? '', /writes id on every insert/);
    assert.match(plan.phases[2].deployBefore ?? '', /backfilled/);
    const rewritten = applyPlan(files, currentPath, plan);
    // The release after the bare column writes id; the backfill fills the old rows before VALIDATE.
    const app = (backfill: boolean) => async (path: string, pg: PGlite) => {
      if (path === plan.newFiles[0].path) await pg.exec("INSERT INTO logs (msg, id) VALUES ('new', 1000)");
      if (backfill && path === plan.newFiles[1].path) await pg.exec("UPDATE logs SET id = substr(msg, 6)::bigint WHERE id IS NULL; INSERT INTO logs VALUES ('newer', 1001)");
    };
    const pg = await replay(rewritten, app(true));
    try {
      const key = await pg.query("SELECT c.convalidated, i.indisvalid, i.indisprimary FROM pg_constraint c JOIN pg_index i ON i.indexrelid = c.conindid WHERE c.conname = 'logs_pkey'");
      assert.deepEqual(key.rows, [{ convalidated: true, indisvalid: true, indisprimary: true }]);
      const rows = await pg.query<{ n: number; sum: string }>('SELECT count(*)::int AS n, sum(id)::text AS sum FROM logs');
      assert.deepEqual(rows.rows, [{ n: 32, sum: String(465 + 1000 + 1001) }]);
      assert.deepEqual((await pg.query("SELECT 1 FROM pg_constraint WHERE conrelid = 'logs'::regclass AND contype = 'c'")).rows, []);
    } finally {
      await pg.close();
    }
    await assert.rejects(replay(rewritten, app(false)), /V4__set_logs_id_not_null[^]*check constraint "logs_id_not_null" of relation "logs" is violated by some row/);
  });

  it('two inline constraints: each plan moves its own, and the two plans apply one after the other', async () => {
    const files = historyFiles('flyway', SETUP, 'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id) CHECK (org_id > 0);\n');
    let current = files;
    for (let round = 0; round < 2; round++) {
      const { history, found } = findingsOf(current, RULE);
      assert.equal(found.length, 2 - round);
      const migration = history.migrations[found[0].index];
      const plan = planFor(found[0].finding, { history, source: source(current), migration, text: current[migration.path], now: new Date(NOW.getTime() + round * 60_000), config: resolveConfig() });
      assert.ok(plan, `plan ${round}`);
      current = applyPlan(current, migration.path, plan);
    }
    assert.deepEqual(findingsOf(current, RULE).found, []);
    assert.ok(current['db/V2__change.sql'].includes('ALTER TABLE users ADD COLUMN org_id bigint;'), current['db/V2__change.sql']);
    assertNoNewFindings(files, current);
    const pg = await replay(current);
    try {
      assert.deepEqual((await constraint(pg, 'users_org_id_fkey')).map((r) => r.convalidated), [true]);
      assert.deepEqual((await constraint(pg, 'users_org_id_check')).map((r) => r.convalidated), [true]);
    } finally {
      await pg.close();
    }
  });

  it('keeps comments and other options of the column; the constraint on a line of its own goes with its indent', () => {
    const change = 'ALTER TABLE users\n  ADD COLUMN age int DEFAULT 0 -- years\n    CONSTRAINT users_age_positive CHECK (age >= 0);\n';
    const files = historyFiles('flyway', SETUP, change);
    const { plan, currentPath } = planForHistory(files, RULE);
    assert.ok(plan);
    const rewritten = applyPlan(files, currentPath, plan);
    assert.equal(rewritten[currentPath], 'ALTER TABLE users\n  ADD COLUMN age int DEFAULT 0 -- years\n;\n');
    assert.ok(plan.newFiles[0].content.includes('ALTER TABLE users ADD CONSTRAINT users_age_positive CHECK (age >= 0) NOT VALID;'));
    assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
  });

  it('a column in another schema: qualified table, index dropped beside it', () => {
    const setup = 'CREATE SCHEMA app;\nCREATE TABLE app.orgs (id bigint PRIMARY KEY);\nCREATE TABLE app.users (id bigint PRIMARY KEY);\n';
    const files = historyFiles('golang-migrate', setup, 'ALTER TABLE app.users ADD COLUMN org_id bigint REFERENCES app.orgs;\n');
    const { plan } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.ok(plan.newFiles[0].content.includes('CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx ON app.users (org_id);'));
    assert.ok(plan.downFiles[0].content.includes('DROP INDEX CONCURRENTLY IF EXISTS app.users_org_id_idx;'));
    assert.ok(plan.newFiles[1].content.includes('ALTER TABLE app.users ADD CONSTRAINT users_org_id_fkey FOREIGN KEY (org_id) REFERENCES app.orgs NOT VALID;'));
  });

  it('no index step when the migration indexes the column itself', () => {
    const files = historyFiles('flyway', SETUP, 'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id);\nCREATE INDEX users_org ON users (org_id);\n');
    const { plan } = planForHistory(files, RULE);
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => f.path), ['db/V3__add_foreign_key_users_org_id_fkey_not_valid.sql', 'db/V4__validate_users_org_id_fkey.sql']);
  });

  const NO_PLAN = [
    { what: 'other subcommands in the ALTER', change: 'ALTER TABLE users ADD COLUMN age int CHECK (age > 0), ADD COLUMN b int;\n' },
    { what: 'a DEFERRABLE foreign key', change: 'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id) DEFERRABLE;\n' },
    { what: 'UNIQUE NULLS NOT DISTINCT', change: 'ALTER TABLE users ADD COLUMN handle text UNIQUE NULLS NOT DISTINCT;\n' },
    { what: 'NOT NULL without a default (its own rule)', change: 'ALTER TABLE users ADD COLUMN age int NOT NULL CHECK (age > 0);\n' },
    { what: 'a volatile default (its own rule)', change: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid() UNIQUE;\n' },
    { what: 'a serial column (its own rule)', change: 'ALTER TABLE users ADD COLUMN n bigserial UNIQUE;\n' },
    { what: 'a second primary key', change: 'ALTER TABLE users ADD COLUMN uid bigint DEFAULT 1 NOT NULL PRIMARY KEY;\n' },
    { what: 'a constraint name in use', change: 'ALTER TABLE users ADD COLUMN handle text CONSTRAINT users_pkey UNIQUE;\n' },
  ];
  for (const c of NO_PLAN) {
    it(`no plan for ${c.what}`, () => {
      const files = historyFiles('flyway', SETUP, c.change);
      assert.equal(planForHistory(files, RULE).plan, null);
    });
  }
});

async function constraint(pg: PGlite, name: string): Promise<{ contype: string; convalidated: boolean; def: string }[]> {
  const r = await pg.query<{ contype: string; convalidated: boolean; def: string }>('SELECT contype, convalidated, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = $1', [name]);
  return r.rows;
}
