/**
 * set-not-null rewrite: CHECK (c IS NOT NULL) NOT VALID now; VALIDATE, SET NOT NULL, DROP CONSTRAINT
 * in the next migration, for every framework; replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, planAtVersion, planForHistory, replay } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g || '@example.com' FROM generate_series(1, 50) g;\n";
const CHANGE = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n';
const SLUG = 'set_users_email_not_null';

describe('set-not-null rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: NOT VALID CHECK now, validate + SET NOT NULL + drop CHECK next; replays, rule silent`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'set-not-null');
      assert.ok(plan);
      const up = expectedUpPath(framework, SLUG);
      const body = 'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;\n';
      if (up) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, false]]);
        assert.ok(plan.newFiles[0].content.includes(body), plan.newFiles[0].content);
      } else {
        assert.ok(plan.edits.map((e) => e.newText).join('').includes(`--changeset ana:2-set-users-email-not-null\nSET LOCAL lock_timeout = '2s';\n${body}--rollback ALTER TABLE users ALTER COLUMN email DROP NOT NULL;`));
      }
      const downs = [...plan.downFiles.map((f) => f.content), ...plan.newFiles.map((f) => f.content)].join('\n');
      if (framework !== 'prisma' && framework !== 'supabase' && framework !== 'atlas' && framework !== 'plain' && framework !== 'liquibase') {
        assert.match(downs, /ALTER TABLE users ALTER COLUMN email DROP NOT NULL;/);
      }
      assert.deepEqual(plan.phases.map((p) => p.name), ['constrain', 'validate']);
      assert.match(plan.phases[0].deployBefore ?? '', /writes email/);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.ok(rewritten[currentPath].includes('ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;'));
      assert.deepEqual(findingsOf(rewritten, 'set-not-null').found, []);
      assert.deepEqual(findingsOf(rewritten, 'constraint-not-valid').found, []);
      const pg = await replay(rewritten);
      try {
        const column = await pg.query<{ attnotnull: boolean }>("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname = 'email'");
        assert.deepEqual(column.rows, [{ attnotnull: true }]);
        const checks = await pg.query("SELECT 1 FROM pg_constraint WHERE conname = 'users_email_not_null'");
        assert.equal(checks.rows.length, 0);
      } finally {
        await pg.close();
      }
    });
  }

  it('no plan before PostgreSQL 12, where the validated CHECK does not spare the scan', () => {
    const files = historyFiles('flyway', SETUP, CHANGE);
    assert.equal(planAtVersion(files, 'set-not-null', '11'), null);
  });

  it('no plan when the ALTER has other subcommands', () => {
    const files = historyFiles('flyway', SETUP, 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ADD COLUMN age int;\n');
    assert.equal(planForHistory(files, 'set-not-null').plan, null);
  });
});
