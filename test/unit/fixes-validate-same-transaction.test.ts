/**
 * validate-same-transaction rewrite: the VALIDATE CONSTRAINT leaves the transaction of its ADD … NOT
 * VALID for a migration of its own, for every framework; replayed on PGlite (the constraint ends up
 * validated, the data untouched) and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { PGlite } from '@electric-sql/pglite';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, assertNoNewFindings, digestOf, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, inOneTransaction, planForHistory, replay } from './fixes-support';

const SETUP =
  "CREATE TABLE orgs (id bigint PRIMARY KEY);\nINSERT INTO orgs VALUES (1), (2);\nCREATE TABLE users (id bigint PRIMARY KEY, email text, org_id bigint);\nINSERT INTO users SELECT g, g || '@example.com', 1 + g % 2 FROM generate_series(1, 50) g;\n";

const ADD = "ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%') NOT VALID;";
const VALIDATE = 'ALTER TABLE users VALIDATE CONSTRAINT users_email_check;';
const TWO_STATEMENTS = `${ADD}\nCREATE TABLE teams (id bigint PRIMARY KEY);\n${VALIDATE}\n`;

async function validated(pg: PGlite, name: string): Promise<unknown[]> {
  return (await pg.query(`SELECT convalidated FROM pg_constraint WHERE conname = '${name}'`)).rows;
}

const USERS = digestOf('users');

describe('validate-same-transaction rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: the VALIDATE moves to a migration of its own; replays; constraint validated; rule silent`, async () => {
      // Plain files run statement by statement: only an explicit transaction puts the two together.
      const files = historyFiles(framework, SETUP, inOneTransaction(framework, TWO_STATEMENTS));
      const { plan, currentPath } = planForHistory(files, 'validate-same-transaction');
      assert.ok(plan);
      const up = expectedUpPath(framework, 'validate_users_email_check');
      if (up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, false]]);
        assert.ok(plan.newFiles[0].content.includes(VALIDATE));
        assert.equal(plan.newFiles[0].markerFiles, undefined);
        if (framework === 'dbmate') assert.match(plan.newFiles[0].content, /^-- migrate:up\nALTER TABLE users VALIDATE/);
        if (framework === 'sqitch') assert.match(plan.newFiles[0].content, /BEGIN;\n\nALTER TABLE users VALIDATE CONSTRAINT users_email_check;\n\nCOMMIT;/);
      } else {
        assert.match(plan.edits.map((e) => e.newText).join(''), /--changeset ana:2-validate-users-email-check\nALTER TABLE users VALIDATE CONSTRAINT users_email_check;\n/);
      }
      assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['validate', up ?? currentPath]]);
      assert.equal(plan.phases[0].lock, 'SHARE UPDATE EXCLUSIVE lock on users, which blocks neither reads nor writes, only other schema changes');

      const rewritten = applyPlan(files, currentPath, plan);
      const current = rewritten[currentPath].replace(/--changeset ana:2-[^]*/, '');
      assert.ok(current.includes(`${ADD}\nCREATE TABLE teams (id bigint PRIMARY KEY);\n`), current);
      assert.ok(!current.includes('VALIDATE'), current);
      assert.deepEqual(findingsOf(rewritten, 'validate-same-transaction').found, []);
      assert.deepEqual(findingsOf(rewritten, 'syntax-error').found, []);
      assertNoNewFindings(files, rewritten);
      const original = await replay(files);
      const pg = await replay(rewritten);
      try {
        assert.deepEqual(await validated(pg, 'users_email_check'), [{ convalidated: true }]);
        assert.deepEqual(await pg.query(USERS).then((r) => r.rows), await original.query(USERS).then((r) => r.rows));
      } finally {
        await pg.close();
        await original.close();
      }
    });
  }

  for (const framework of ['flyway', 'golang-migrate', 'liquibase'] as const) {
    it(`${framework}: VALIDATE at the end of the ADD's own ALTER (a foreign key) is cut out and written on its own`, async () => {
      const change = 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID, VALIDATE CONSTRAINT users_org_fk;\n';
      const files = historyFiles(framework, SETUP, change);
      const { plan, currentPath } = planForHistory(files, 'validate-same-transaction');
      assert.ok(plan);
      const rewritten = applyPlan(files, currentPath, plan);
      assert.match(rewritten[currentPath], /REFERENCES orgs \(id\) NOT VALID;\n/);
      assert.match(Object.values(rewritten).join('\n'), /^ALTER TABLE users VALIDATE CONSTRAINT users_org_fk;$/m);
      assert.match(plan.phases[0].lock, /^SHARE UPDATE EXCLUSIVE lock on users[^;]*; ROW SHARE lock on orgs/);
      assert.deepEqual(findingsOf(rewritten, 'validate-same-transaction').found, []);
      assertNoNewFindings(files, rewritten);
      const pg = await replay(rewritten);
      try {
        assert.deepEqual(await validated(pg, 'users_org_fk'), [{ convalidated: true }]);
      } finally {
        await pg.close();
      }
    });
  }

  it('statements after the VALIDATE that name the table move after it, in order', async () => {
    const change = [
      "SET lock_timeout = '2s';",
      'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
      'CREATE TABLE teams (id bigint PRIMARY KEY);',
      'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      'ALTER TABLE users DROP CONSTRAINT users_email_not_null;',
      '',
    ].join('\n');
    const files = historyFiles('diesel', SETUP, change);
    const { plan, currentPath } = planForHistory(files, 'validate-same-transaction');
    assert.ok(plan);
    assert.equal(plan.newFiles.length, 1);
    assert.match(
      plan.newFiles[0].content,
      /^SET lock_timeout = '2s';\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;\n$/,
    );
    const rewritten = applyPlan(files, currentPath, plan);
    assert.equal(rewritten[currentPath], "SET lock_timeout = '2s';\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nCREATE TABLE teams (id bigint PRIMARY KEY);\n");
    assert.deepEqual(findingsOf(rewritten, 'validate-same-transaction').found, []);
    assertNoNewFindings(files, rewritten);
    const pg = await replay(rewritten);
    try {
      const email = await pg.query("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'");
      assert.deepEqual(email.rows, [{ attnotnull: true }]);
      assert.deepEqual(await validated(pg, 'users_email_not_null'), []);
    } finally {
      await pg.close();
    }
  });

  it('no plan for a VALIDATE in the middle of an ALTER: the commands after it would have to move too', () => {
    const change = 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID, VALIDATE CONSTRAINT users_org_fk, ADD COLUMN age int;\n';
    assert.equal(planForHistory(historyFiles('flyway', SETUP, change), 'validate-same-transaction').plan, null);
  });
});
