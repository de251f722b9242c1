/**
 * The dry run on a real PostgreSQL server (15 on the project's machines): the same lock table as on
 * PGlite, nothing left behind, refusals, lock waits, cancel, and credentials kept out of every output.
 * Each run works in a scratch database of its own, dropped at the end.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dryRun, DryRunError } from '../../server/src/db/dry-run';
import { assertMatches, fingerprint, fixture, MIGRATIONS, requireServer, scratchDatabase, urlFor, withClient } from './helpers';

const ROOT = join(__dirname, '..', '..');

test('dry run on a PostgreSQL server', async (t) => {
  if (!(await requireServer(t))) return;
  const db = await scratchDatabase('server');
  t.after(() => db.drop());
  const onServer = (file: string, text: string, more: Partial<Parameters<typeof dryRun>[0]> = {}) =>
    dryRun({ engine: 'postgres', url: db.url, file, text, ...more });

  for (const name of MIGRATIONS) {
    await t.test(`${name}: locks and rewrites match DRYRUN.md, and nothing survives`, async () => {
      const before = await fingerprint(db.url);
      const report = await onServer(name, fixture('migrations', name));
      assertMatches(name, report, 'postgres');
      assert.match(report.serverVersion, /^\d+\.\d+/);
      assert.equal(await fingerprint(db.url), before);
    });
  }

  await t.test('the fingerprint changes when something is committed (so the checks above can fail)', async () => {
    const before = await fingerprint(db.url);
    await withClient(db.url, (c) => c.query('UPDATE orders SET total = total WHERE id = 1'));
    const sameData = await fingerprint(db.url);
    await withClient(db.url, (c) => c.query('ALTER TABLE orders ALTER COLUMN total TYPE numeric(14, 2)'));
    const retyped = await fingerprint(db.url);
    await withClient(db.url, (c) => c.query('UPDATE orders SET total = total + 1 WHERE id = 1'));
    assert.equal(sameData, before);
    assert.notEqual(retyped, before);
    assert.notEqual(await fingerprint(db.url), retyped);
  });

  await t.test('a file containing COMMIT is refused and the database is untouched', async () => {
    const before = await fingerprint(db.url);
    const report = await onServer('commit.sql', fixture('refused', 'commit.sql'));
    assert.equal(report.status, 'refused');
    assert.deepEqual(report.statements, []);
    assert.deepEqual(report.refused.map((r) => r.line), [2]);
    assert.equal(await fingerprint(db.url), before);
    const columns = await withClient(db.url, (c) => c.query("SELECT attname FROM pg_attribute WHERE attrelid = 'users'::regclass AND attname LIKE 'leaked%'"));
    assert.equal(columns.rowCount, 0);
  });

  await t.test('a failed statement rolls everything back', async () => {
    const before = await fingerprint(db.url);
    const report = await onServer('fails.sql', 'ALTER TABLE users ADD COLUMN kept int;\nUPDATE users SET age = 1;\nSELECT 1 / 0;');
    assert.equal(report.status, 'failed');
    assert.equal(report.statements[2].errorCode, '22012');
    assert.equal(await fingerprint(db.url), before);
  });

  await t.test('a lock wait gives up after the short lock_timeout and says who holds the lock', async () => {
    await withClient(db.url, async (blocker) => {
      await blocker.query("SET application_name = 'sm-test-blocker'");
      await blocker.query('BEGIN');
      await blocker.query('SELECT count(*) FROM users');
      try {
        const started = performance.now();
        // The migration raises its own lock_timeout: the dry run caps it again after the SET.
        const report = await onServer('waits.sql', "SET lock_timeout = '10s';\nALTER TABLE users ADD COLUMN waited int;", { lockTimeoutMs: 200 });
        const took = performance.now() - started;
        assert.equal(report.status, 'failed');
        const alter = report.statements[1];
        assert.equal(alter.errorCode, '55P03');
        assert.ok(alter.durationMs < 2000, `waited ${alter.durationMs} ms`);
        assert.ok(took < 5000, `took ${took} ms`);
        const [holder] = alter.blockedBy ?? [];
        assert.ok(holder, 'the blocking session is named');
        assert.equal(holder.applicationName, 'sm-test-blocker');
        assert.equal(holder.relation, 'public.users');
        assert.equal(holder.wantedMode, 'AccessExclusiveLock');
        assert.ok(holder.heldModes.includes('AccessShareLock'));
        assert.match(holder.query, /SELECT count\(\*\) FROM users/);
        assert.match(report.verdict, /lock timeout \(public\.users is held by pid \d+, sm-test-blocker\)$/);
      } finally {
        await blocker.query('ROLLBACK');
      }
    });
  });

  await t.test('cancel stops a long rewrite within a second and leaves nothing behind', async () => {
    await withClient(db.url, (c) => c.query('CREATE TABLE big AS SELECT g AS id, g AS n, md5(g::text) AS s FROM generate_series(1, 100000) g'));
    const before = await fingerprint(db.url);
    const controller = new AbortController();
    let abortedAt = 0;
    // Each row computes a 32 kB string: the rewrite would take many seconds.
    const pending = onServer('rewrite-big.sql', 'ALTER TABLE big ALTER COLUMN n TYPE bigint USING n + length(repeat(s, 1000));', {
      signal: controller.signal,
      statementTimeoutMs: 120_000,
    });
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 300);
    const report = await pending;
    const returnedIn = performance.now() - abortedAt;
    assert.ok(abortedAt > 0);
    assert.ok(returnedIn < 1000, `returned ${Math.round(returnedIn)} ms after the cancel`);
    assert.equal(report.status, 'cancelled');
    assert.equal(report.statements[0]?.error, 'cancelled by the user');
    assert.equal(report.statements[0]?.errorCode, '57014');
    assert.equal(await fingerprint(db.url), before);
    const left = await withClient(db.url, (c) =>
      c.query("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'safe-migrations dry-run%'"),
    );
    assert.equal(left.rowCount, 0, 'no dry-run session is left on the server');
  });

  await t.test('credentials appear in no output, error or report', async () => {
    const given = new URL(db.url);
    // Trust authentication accepts any password; a server that checks them gets its own.
    const password = given.password ? decodeURIComponent(given.password) : 'Pw-dry-run-Zq81x-secret';
    given.password = encodeURIComponent(password);
    const withPassword = given.toString();
    const wrongPort = new URL(withPassword);
    wrongPort.port = '1';
    const noDatabase = new URL(urlFor(`sm_no_such_db_${process.pid}`, withPassword));

    const report = await dryRun({ engine: 'postgres', url: withPassword, file: 'add-column.sql', text: fixture('migrations', 'add-column.sql') });
    assert.equal(report.status, 'ok');
    assert.ok(!JSON.stringify(report).includes(password));
    assert.match(report.server ?? '', /:\*\*\*@/);

    for (const url of [wrongPort.toString(), noDatabase.toString()]) {
      const error = await dryRun({ engine: 'postgres', url, file: 'x.sql', text: 'SELECT 1' }).then(
        () => assert.fail('expected a connection error'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof DryRunError);
      assert.ok(!error.message.includes(password), error.message);
      assert.ok(!(error.stack ?? '').includes(password));
      assert.match(error.message, /could not connect to postgres:\/\/[^:]+:\*\*\*@/);
    }

    const dir = mkdtempSync(join(tmpdir(), 'sm-dryrun-cli-'));
    try {
      const file = join(dir, 'add-column.sql');
      writeFileSync(file, fixture('migrations', 'add-column.sql'));
      const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
        spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'server/src/cli/main.ts'), 'dry-run', ...args], {
          cwd: ROOT,
          env: { ...process.env, ...env },
          encoding: 'utf8',
        });
      const runs = [
        { result: cli(['--url', withPassword, '--format', 'json', file]), code: 0 },
        { result: cli(['--engine', 'postgres', file], { SAFE_MIGRATIONS_DATABASE_URL: withPassword }), code: 0 },
        { result: cli(['--url', wrongPort.toString(), file]), code: 2 },
        { result: cli(['--url', withPassword, '--format', 'yaml', file]), code: 2 },
      ];
      for (const { result, code } of runs) {
        const output = `${result.stdout}\n${result.stderr}`;
        assert.equal(result.status, code, output);
        assert.ok(!output.includes(password), output);
      }
      assert.equal(JSON.parse(runs[0].result.stdout).status, 'ok');
      assert.match(runs[1].result.stdout, /ACCESS EXCLUSIVE lock on public\.users/);
      assert.match(runs[2].result.stderr, /could not connect to postgres:\/\/[^:]+:\*\*\*@127\.0\.0\.1:1\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

