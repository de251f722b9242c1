/**
 * The dry run on the embedded engine (PGlite in its child process), against the fixture history.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { disposeDryRunHosts, dryRun, type DryRunProgress } from '../../server/src/db/dry-run';
import { assertMatches, fixture, history, MIGRATIONS } from './helpers';

const storageDir = mkdtempSync(join(tmpdir(), 'sm-dryrun-test-'));
after(async () => {
  await disposeDryRunHosts();
  rmSync(storageDir, { recursive: true, force: true });
});

const run = (file: string, text: string, more: Partial<Parameters<typeof dryRun>[0]> = {}) =>
  dryRun({ file, text, history: history(), storageDir, ...more });

describe('dry run on PGlite', () => {
  test('the first run replays the history, later runs reuse it; PGlite stays out of this process', async () => {
    const rssBefore = process.memoryUsage().rss;
    const first = await run('add-column.sql', fixture('migrations', 'add-column.sql'));
    // A PGlite instance takes 300-400 MB: it must live in the host process, not here.
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 150 * 1024 * 1024, `this process grew by ${Math.round(grown / 1048576)} MB`);
    assert.equal(first.engine, 'pglite');
    assert.match(first.serverVersion, /^\d+\.\d+/);
    assert.equal(first.history?.files, 2);
    assert.equal(first.history?.cached, false);
    assert.deepEqual(first.history?.failed, []);
    const again = await run('add-column.sql', fixture('migrations', 'add-column.sql'));
    assert.equal(again.history?.cached, true);
    assert.deepEqual(again.statements[0].locks, first.statements[0].locks);
  });

  for (const name of MIGRATIONS) {
    test(`locks and rewrites of ${name} match DRYRUN.md`, async () => {
      assertMatches(name, await run(name, fixture('migrations', name)), 'pglite');
    });
  }

  test('locks accumulate over a migration; a mode already held is reported as held before', async () => {
    const report = await run('expand-email.sql', fixture('migrations', 'expand-email.sql'));
    const [add, update, index] = report.statements;
    assert.equal(add.locks.find((l) => l.relation === 'public.users')?.mode, 'AccessExclusiveLock');
    assert.equal(update.rows, 200);
    assert.equal(update.rowsTouched, 200);
    // SHARE is a mode of its own in pg_locks, even under an ACCESS EXCLUSIVE held since line 2.
    const share = index.locks.find((l) => l.relation === 'public.users');
    assert.equal(share?.mode, 'ShareLock');
    assert.equal(share?.heldBefore, undefined);
    // A second ALTER needs ACCESS EXCLUSIVE again; pg_locks has nothing new, the documented mode is reported.
    const twice = await run('twice.sql', 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ALTER COLUMN age SET NOT NULL;');
    const second = twice.statements[1].locks.find((l) => l.relation === 'public.users');
    assert.equal(second?.mode, 'AccessExclusiveLock');
    assert.equal(second?.heldBefore, true);
    assert.ok(twice.statements[1].scanned.includes('public.users'));
  });

  test('a file with nothing to run starts nothing', async () => {
    const phases: DryRunProgress['phase'][] = [];
    const report = await run('empty.sql', '-- nothing yet\n', { onProgress: (p) => phases.push(p.phase) });
    assert.equal(report.status, 'ok');
    assert.equal(report.verdict, 'nothing to run');
    assert.deepEqual(phases, ['done']);
  });

  test('a refused file runs nothing: the host is not even asked', async () => {
    const phases: DryRunProgress['phase'][] = [];
    const report = await run('commit.sql', fixture('refused', 'commit.sql'), { onProgress: (p) => phases.push(p.phase) });
    assert.equal(report.status, 'refused');
    assert.deepEqual(report.statements, []);
    assert.equal(report.notRun, 2);
    assert.deepEqual(report.refused.map((r) => r.line), [2]);
    assert.match(report.refused[0].reason, /COMMIT would really commit/);
    assert.deepEqual(phases, ['done']);
    assert.match(report.verdict, /^refused, nothing was run: line 2: COMMIT/);
  });

  test('every kind of refusal is listed with its line', async () => {
    const report = await run('psql-and-copy.sql', fixture('refused', 'psql-and-copy.sql'));
    assert.deepEqual(
      report.refused.map((r) => [r.line, r.reason.split(/[:(]/)[0].trim()]),
      [
        [1, 'psql meta-command \\set'],
        [2, 'BEGIN cannot be dry-run'],
        [3, 'COPY … FROM STDIN needs data sent by the client'],
        [6, 'SAVEPOINT cannot be dry-run'],
        [7, 'COMMIT would really commit'],
      ],
    );
  });

  test('a statement that cannot run in a transaction runs on a copy, and later statements see its effect', async () => {
    const text = `CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_unique UNIQUE USING INDEX users_email_key;`;
    const report = await run('unique.sql', text);
    assert.equal(report.status, 'ok', report.verdict);
    const [create, attach] = report.statements;
    assert.equal(create.tracedOn, 'pglite-copy');
    assert.match(create.note ?? '', /throw-away copy/);
    assert.equal(attach.tracedOn, 'transaction');
    assert.equal(attach.locks.find((l) => l.relation === 'public.users')?.mode, 'AccessExclusiveLock');
  });

  test('a failing statement stops the run and the rest is not run', async () => {
    const report = await run('fail.sql', 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE nope ADD COLUMN b int;\nALTER TABLE users ADD COLUMN c int;');
    assert.equal(report.status, 'failed');
    assert.equal(report.statements.length, 2);
    assert.equal(report.statements[1].errorCode, '42P01');
    assert.equal(report.notRun, 1);
    assert.match(report.verdict, /failed at line 2: relation "nope" does not exist/);
  });

  test('without a history, a missing table points to --history', async () => {
    const report = await dryRun({ file: 'alone.sql', text: fixture('migrations', 'add-column.sql'), storageDir });
    assert.equal(report.status, 'failed');
    assert.equal(report.statements[0].errorCode, '42P01');
    assert.match(report.notes.join('\n'), /starts empty: give the earlier migrations \(--history <folder>\)/);
  });

  test('nothing survives: the next dry run sees the history only', async () => {
    await run('add.sql', 'ALTER TABLE users ADD COLUMN survivor int; INSERT INTO users (id, email) VALUES (999, $$x$$);');
    const report = await run('check.sql', 'ALTER TABLE users ADD COLUMN survivor int; SELECT count(*) FROM users;');
    assert.equal(report.status, 'ok', report.verdict);
    assert.equal(report.statements[1].rows, 1);
    assert.equal(report.statements[1].rowsScanned, 200);
  });

  test('history problems are reported and skipped; missing roles are created; extensions load', async () => {
    const extra = [
      ...history(),
      { name: 'history/003_extras.sql', text: 'CREATE EXTENSION IF NOT EXISTS pgcrypto;\nCREATE EXTENSION postgis;\nGRANT SELECT ON users TO reporting_reader;' },
    ];
    const report = await dryRun({
      file: 'uses-extensions.sql',
      text: "CREATE EXTENSION IF NOT EXISTS citext;\nALTER TABLE users ADD COLUMN handle citext;\nSELECT gen_random_uuid();",
      history: extra,
      storageDir,
    });
    assert.equal(report.status, 'ok', report.verdict);
    assert.deepEqual(report.history?.failed.map((f) => [f.file, f.line]), [['history/003_extras.sql', 2]]);
    assert.match(report.notes.join('\n'), /could not be replayed on the embedded database/);
    // From the disk cache in a new host, the same problems are still reported.
    await disposeDryRunHosts();
    const cached = await dryRun({ file: 'again.sql', text: 'SELECT gen_random_uuid();', history: extra, storageDir });
    assert.equal(cached.history?.cached, true);
    assert.deepEqual(cached.history?.failed, report.history?.failed);
  });

  test('a sequence advanced by the migration is noted: a rollback does not undo nextval()', async () => {
    const withSequence = [...history(), { name: 'history/003_sequence.sql', text: 'CREATE SEQUENCE invoice_no;' }];
    const report = await dryRun({ file: 'next.sql', text: "SELECT nextval('invoice_no');\nCREATE TABLE fresh (id bigserial);\nINSERT INTO fresh DEFAULT VALUES;", history: withSequence, storageDir });
    assert.equal(report.status, 'ok', report.verdict);
    assert.deepEqual(report.notes, ['sequences used (public.invoice_no) have advanced: a rollback does not undo nextval()']);
  });

  test('a new host process boots from the disk cache', async () => {
    await disposeDryRunHosts();
    const report = await run('add-column.sql', fixture('migrations', 'add-column.sql'));
    assert.equal(report.history?.cached, true);
    assert.equal(report.status, 'ok');
  });

  test('cancel stops a long statement within a second', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const report = await run('slow.sql', 'ALTER TABLE users ADD COLUMN a int;\nSELECT pg_sleep(30);', {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.statement?.line !== 1) return;
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, 300);
      },
    });
    const returnedIn = performance.now() - abortedAt;
    assert.ok(abortedAt > 0, 'the abort happened');
    assert.ok(returnedIn < 1000, `returned ${Math.round(returnedIn)} ms after the cancel`);
    assert.equal(report.status, 'cancelled');
    assert.equal(report.statements.length, 1);
    assert.equal(report.notRun, 1);
    assert.match(report.verdict, /cancelled$/);
    // The host was stopped; the next dry run starts a new one.
    const next = await run('add-column.sql', fixture('migrations', 'add-column.sql'));
    assert.equal(next.status, 'ok');
  });

  test('a statement that runs past the statement timeout is stopped', async () => {
    const report = await run('sleep.sql', 'SELECT pg_sleep(20);', { statementTimeoutMs: 1500 });
    assert.equal(report.status, 'failed');
    assert.match(report.statements[0].error ?? '', /did not finish within 2 s; the embedded database was stopped/);
  });
});
