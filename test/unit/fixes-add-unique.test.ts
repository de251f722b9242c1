/**
 * add-unique-constraint rewrite: the unique index built CONCURRENTLY in a non-transactional migration,
 * then ADD CONSTRAINT … UNIQUE USING INDEX, for every framework; replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import type { FrameworkId } from '../../server/src/engine/history/types';
import { applyPlan, expectedUpPath, findingsOf, FRAMEWORKS, historyFiles, planForHistory, replay } from './fixes-support';

const SETUP = "CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g || '@example.com' FROM generate_series(1, 50) g;\n";
const CHANGE = 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);\nCREATE TABLE orgs (id bigint PRIMARY KEY);\n';
const IMPLICIT = new Set<FrameworkId>(['golang-migrate', 'supabase']);

describe('add-unique-constraint rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: index concurrently, then UNIQUE USING INDEX; replays, rule silent`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'add-unique-constraint');
      assert.ok(plan);
      const build = expectedUpPath(framework, 'create_unique_index_users_email_key_concurrently', 0);
      const attach = expectedUpPath(framework, 'add_unique_constraint_users_email_key', 1);
      if (build && attach) {
        assert.deepEqual(plan.newFiles.map((f) => [f.path, f.nonTransactional]), [[build, true], [attach, false]]);
        assert.ok(plan.newFiles[0].content.includes('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);'));
        assert.ok(plan.newFiles[1].content.includes('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;'));
      } else {
        assert.match(plan.edits.map((e) => e.newText).join(''), /runInTransaction:false\nCREATE UNIQUE INDEX CONCURRENTLY[^]*--changeset ana:2-add-unique-constraint-users-email-key\nSET LOCAL lock_timeout = '2s';\nALTER TABLE/);
      }
      assert.deepEqual(plan.phases.map((p) => p.name), ['build', 'constrain']);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.deepEqual(findingsOf(rewritten, 'add-unique-constraint').found, []);
      assert.deepEqual(findingsOf(rewritten, 'create-index-concurrently').found, []);
      if (!IMPLICIT.has(framework)) assert.deepEqual(findingsOf(rewritten, 'concurrently-in-transaction').found, []);
      const pg = await replay(rewritten);
      try {
        const row = await pg.query<{ contype: string; conindid: string }>("SELECT contype, conindid::regclass::text AS conindid FROM pg_constraint WHERE conname = 'users_email_key'");
        assert.deepEqual(row.rows, [{ contype: 'u', conindid: 'users_email_key' }]);
      } finally {
        await pg.close();
      }
    });
  }

  it('an unnamed constraint gets PostgreSQL-style name table_columns_key', () => {
    const files = historyFiles('goose', SETUP, 'ALTER TABLE users ADD UNIQUE (email, id);\n');
    const { plan } = planForHistory(files, 'add-unique-constraint');
    assert.ok(plan);
    assert.deepEqual(plan.newFiles.map((f) => f.path), ['migrations/00003_create_unique_index_users_email_id_key_concurrently.sql', 'migrations/00004_add_unique_constraint_users_email_id_key.sql']);
  });
});
