/**
 * constraint-not-valid rewrite: NOT VALID in the current migration, VALIDATE CONSTRAINT in the next,
 * for every framework; replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { applyPlan, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, planForHistory, replay } from './fixes-support';

const SETUP =
  'CREATE TABLE orgs (id bigint PRIMARY KEY);\nINSERT INTO orgs VALUES (1), (2);\nCREATE TABLE users (id bigint PRIMARY KEY, email text, org_id bigint);\nINSERT INTO users SELECT g, g || \'@example.com\', 1 + g % 2 FROM generate_series(1, 50) g;\n';

const CASES = [
  { what: 'CHECK', change: "ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email LIKE '%@%');\n", name: 'users_email_check', lock: /ACCESS EXCLUSIVE lock on users/ },
  { what: 'FOREIGN KEY', change: 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n', name: 'users_org_fk', lock: /SHARE ROW EXCLUSIVE lock on users.*orgs/ },
];

describe('constraint-not-valid rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    for (const c of CASES) {
      it(`${framework}, ${c.what}: NOT VALID now, VALIDATE next; replays, rule silent, constraint validated`, async () => {
        const files = historyFiles(framework, SETUP, c.change);
        const { plan, currentPath } = planForHistory(files, 'constraint-not-valid');
        assert.ok(plan);
        const validate = `ALTER TABLE users VALIDATE CONSTRAINT ${c.name};`;
        const up = expectedUpPath(framework, `validate_${c.name}`);
        if (up) {
          assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[up, false]]);
          assert.ok(plan.newFiles[0].content.includes(validate));
          assert.equal(plan.newFiles[0].markerFiles, undefined);
        } else {
          assert.match(plan.edits.map((e) => e.newText).join(''), new RegExp(`--changeset ana:2-validate-${c.name.replace(/_/g, '-')}\\n${validate}`));
        }
        assert.deepEqual(plan.phases.map((p) => [p.name, p.path]), [['constrain', currentPath], ['validate', up ?? currentPath]]);
        assert.match(plan.phases[0].lock, c.lock);
        assert.match(plan.phases[1].lock, /SHARE UPDATE EXCLUSIVE lock on users/);

        const rewritten = applyPlan(files, currentPath, plan);
        assert.ok(rewritten[currentPath].includes(`${c.change.trim().replace(/;$/, '')} NOT VALID;`), rewritten[currentPath]);
        assert.deepEqual(findingsOf(rewritten, 'constraint-not-valid').found, []);
        assert.deepEqual(findingsOf(rewritten, 'validate-same-transaction').found, []);
        const pg = await replay(rewritten);
        try {
          const row = await pg.query<{ convalidated: boolean }>(`SELECT convalidated FROM pg_constraint WHERE conname = '${c.name}'`);
          assert.deepEqual(row.rows, [{ convalidated: true }]);
        } finally {
          await pg.close();
        }
      });
    }
  }

  it('an unnamed constraint gets no plan: VALIDATE needs its name', () => {
    const files = historyFiles('flyway', SETUP, "ALTER TABLE users ADD CHECK (email <> '');\n");
    assert.equal(planForHistory(files, 'constraint-not-valid').plan, null);
  });
  it('no plan for a foreign key on a partitioned table before PostgreSQL 18 (NOT VALID is refused there)', () => {
    const setup = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE TABLE events (id bigint, org_id bigint) PARTITION BY RANGE (id);\n';
    const files = historyFiles('flyway', setup, 'ALTER TABLE events ADD CONSTRAINT events_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id);\n');
    assert.equal(planForHistory(files, 'constraint-not-valid').plan, null);
  });
});
