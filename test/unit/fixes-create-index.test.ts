/**
 * create-index-concurrently rewrite: golden file names and markers per framework, then the rewritten
 * history replayed on PGlite and linted again.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import type { FrameworkId } from '../../server/src/engine/history/types';
import { applyPlan, findingsOf, FRAMEWORKS, historyFiles, planForHistory, replay } from './fixes-support';

const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nINSERT INTO users SELECT g, g || \'@example.com\' FROM generate_series(1, 50) g;\n';
const CHANGE = 'CREATE TABLE orgs (id bigint PRIMARY KEY);\nCREATE INDEX users_email_idx ON users (email);\n';
const SLUG = 'create_index_users_email_idx_concurrently';

/** The new up file each framework gets, and how it says "no transaction". */
const GOLDEN: Record<FrameworkId, { up?: string; marker: RegExp | { path: string; content: string } | null; down?: string }> = {
  flyway: { up: `db/V3__${SLUG}.sql`, marker: { path: `db/V3__${SLUG}.sql.conf`, content: 'executeInTransaction=false\n' }, down: `db/U3__${SLUG}.sql` },
  liquibase: { marker: /--changeset ana:2-create-index-users-email-idx-concurrently runInTransaction:false\nCREATE INDEX CONCURRENTLY/ },
  'golang-migrate': { up: `migrations/000003_${SLUG}.up.sql`, marker: null, down: `migrations/000003_${SLUG}.down.sql` },
  dbmate: { up: `db/migrations/20250304050607_${SLUG}.sql`, marker: /^-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY[^]*-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n$/ },
  goose: { up: `migrations/00003_${SLUG}.sql`, marker: /^-- \+goose NO TRANSACTION\n-- \+goose Up\nCREATE INDEX CONCURRENTLY[^]*-- \+goose Down\nDROP INDEX/ },
  prisma: { up: `prisma/migrations/20250304050607_${SLUG}/migration.sql`, marker: null },
  supabase: { up: `supabase/migrations/20250304050607_${SLUG}.sql`, marker: null },
  sqitch: { up: `deploy/${SLUG}.sql`, marker: /^-- Deploy \S+\n\nCREATE INDEX CONCURRENTLY/, down: `revert/${SLUG}.sql` },
  atlas: { up: `migrations/20250304050607_${SLUG}.sql`, marker: /^-- atlas:txmode none\n\nCREATE INDEX CONCURRENTLY/ },
  diesel: { up: `migrations/2025-03-04-050607_${SLUG}/up.sql`, marker: { path: `migrations/2025-03-04-050607_${SLUG}/metadata.toml`, content: 'run_in_transaction = false\n' }, down: `migrations/2025-03-04-050607_${SLUG}/down.sql` },
  plain: { up: `migrations/003_${SLUG}.sql`, marker: null },
};

// golang-migrate and the Supabase CLI send a file as one query: a single statement runs outside a
// transaction block, which the history layer does not model yet (it calls those files 'implicit').
const IMPLICIT = new Set<FrameworkId>(['golang-migrate', 'supabase']);

describe('create-index-concurrently rewrite plan', () => {
  before(loadPostgresParser);

  for (const framework of FRAMEWORKS) {
    it(`${framework}: own non-transactional migration, replays on PGlite, rule silent after`, async () => {
      const files = historyFiles(framework, SETUP, CHANGE);
      const { plan, currentPath } = planForHistory(files, 'create-index-concurrently');
      assert.ok(plan, 'a plan');
      const golden = GOLDEN[framework];
      if (golden.up) {
        assert.deepEqual(plan.newFiles.map((f) => f.path), [golden.up]);
        assert.equal(plan.newFiles[0].nonTransactional, true);
        assert.match(plan.newFiles[0].content, /CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users \(email\);/);
      } else {
        assert.deepEqual(plan.newFiles, []);
      }
      if (golden.marker instanceof RegExp) {
        const text = golden.up ? plan.newFiles[0].content : plan.edits.map((e) => e.newText).join('');
        assert.match(text, golden.marker);
      } else if (golden.marker) {
        assert.deepEqual(plan.newFiles[0].markerFiles, [golden.marker]);
      }
      if (golden.down) assert.ok(plan.downFiles.some((f) => f.path === golden.down && /DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;/.test(f.content)), `down ${golden.down}`);
      assert.equal(plan.phases.length, 1);
      assert.match(plan.phases[0].lock, /SHARE UPDATE EXCLUSIVE lock on users/);

      const rewritten = applyPlan(files, currentPath, plan);
      assert.doesNotMatch(rewritten[currentPath].replace(/--changeset[^]*runInTransaction:false[^]*/, ''), /CREATE INDEX users_email_idx/);
      assert.deepEqual(findingsOf(rewritten, 'create-index-concurrently').found, []);
      if (!IMPLICIT.has(framework)) assert.deepEqual(findingsOf(rewritten, 'concurrently-in-transaction').found, []);

      const pg = await replay(rewritten);
      try {
        const index = await pg.query<{ indisvalid: boolean }>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'users_email_idx'::regclass");
        assert.deepEqual(index.rows, [{ indisvalid: true }]);
      } finally {
        await pg.close();
      }
    });
  }

  it('the unrewritten history fails where the runner wraps the file once CONCURRENTLY is added in place', async () => {
    // Proves the replay respects transactions: CONCURRENTLY inside a wrapped Flyway migration fails.
    const files = historyFiles('flyway', SETUP, CHANGE.replace('CREATE INDEX', 'CREATE INDEX CONCURRENTLY'));
    await assert.rejects(replay(files), /cannot run inside a transaction block/);
  });

  it('an unnamed index is given the name PostgreSQL would choose, so IF NOT EXISTS and the down can use it', () => {
    const files = historyFiles('dbmate', SETUP, 'CREATE INDEX ON users (email);\n');
    const { plan } = planForHistory(files, 'create-index-concurrently');
    assert.ok(plan);
    assert.equal(
      plan.newFiles[0].content,
      '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\n',
    );
    assert.equal(plan.newFiles[0].path, 'db/migrations/20250304050607_create_index_users_email_idx_concurrently.sql');
    // The index was the migration's only statement: the plan says the file is now empty.
    assert.match(plan.notes.join('\n'), /db\/migrations\/20240102000000_change\.sql has no statements left/);
  });
});
