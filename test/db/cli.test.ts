/**
 * `safe-migrations dry-run` as users run it (embedded engine): output formats, exit codes, --history
 * with a framework's layout, usage errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FIXTURES } from './helpers';

const ROOT = join(__dirname, '..', '..');
// The commands run from a scratch folder: load tsx by path, not by a name resolved from there.
const TSX = pathToFileURL(require.resolve('tsx')).href;
const work = mkdtempSync(join(tmpdir(), 'sm-dryrun-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'server/src/cli/main.ts'), 'dry-run', ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, SAFE_MIGRATIONS_DATABASE_URL: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('safe-migrations dry-run', () => {
  test('json: one report per file with the documented shape; refused files exit 1', () => {
    const { code, stdout, stderr } = cli(
      '--format',
      'json',
      '--history',
      join(FIXTURES, 'history'),
      join(FIXTURES, 'migrations', 'alter-type.sql'),
      join(FIXTURES, 'refused', 'commit.sql'),
    );
    assert.equal(code, 1, stderr);
    const [traced, refused] = JSON.parse(stdout);
    for (const key of ['engine', 'serverVersion', 'file', 'committed', 'refused', 'statements', 'verdict']) assert.ok(key in traced, key);
    assert.equal(traced.engine, 'pglite');
    assert.equal(traced.committed, false);
    assert.equal(traced.history.files, 2);
    const [statement] = traced.statements;
    for (const key of ['line', 'sql', 'durationMs', 'rows', 'locks', 'rewrites', 'error']) assert.ok(key in statement, key);
    assert.deepEqual(statement.locks.find((l: { relation: string }) => l.relation === 'public.users'), {
      relation: 'public.users',
      mode: 'AccessExclusiveLock',
      blocks: ['reads', 'writes'],
      kind: 'table',
      createdHere: false,
      source: 'pg_locks',
    });
    assert.deepEqual(statement.rewrites, ['public.users']);
    assert.equal(traced.verdict, 'rewrites users while blocking reads and writes');
    assert.equal(refused.status, 'refused');
    assert.deepEqual(refused.refused.map((r: { line: number }) => r.line), [2]);
  });

  test('text: the verdict first, then each statement with its locks; --history reads the framework layout', () => {
    // goose keeps the down migration in the same file: only the Up part may run or be replayed.
    const dir = join(work, 'goose');
    mkdirSync(dir);
    writeFileSync(join(dir, '00001_users.sql'), '-- +goose Up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n-- +goose Down\nDROP TABLE users;\n');
    writeFileSync(join(dir, '00002_index.sql'), '-- +goose Up\nCREATE INDEX users_email ON users (email);\n-- +goose Down\nDROP INDEX users_email;\n');
    writeFileSync(join(dir, '00003_later.sql'), '-- +goose Up\nDROP TABLE users;\n');
    const { code, stdout, stderr } = cli('--history', dir, join(dir, '00002_index.sql'));
    assert.equal(code, 0, stderr + stdout);
    const lines = stdout.split('\n');
    assert.match(lines[0], /00002_index\.sql: blocks writes on users$/);
    assert.match(stdout, /1 earlier migration (replayed|loaded from the cache); nothing was committed/);
    assert.match(stdout, /line 2: CREATE INDEX users_email ON users \(email\)/);
    assert.match(stdout, /SHARE lock on public\.users, which blocks writes \(reads continue\)/);
    assert.doesNotMatch(stdout, /DROP INDEX/);
  });

  test('usage errors exit 2 and say what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [[], /no migration file given/],
      [['--engine', 'mysql', 'x.sql'], /--engine must be pglite or postgres/],
      [['--engine', 'postgres', join(FIXTURES, 'migrations', 'add-column.sql')], /needs a server: pass --url or set SAFE_MIGRATIONS_DATABASE_URL/],
      [['--format', 'sarif', 'x.sql'], /--format must be text or json/],
      [['--history', join(work, 'missing'), join(FIXTURES, 'migrations', 'add-column.sql')], /--history must be a folder/],
      [[join(work, 'missing.sql')], /not a migration file/],
      [['--lock-timeout', 'soon', join(FIXTURES, 'migrations', 'add-column.sql')], /--lock-timeout must be a positive number/],
      [['--lock-timeout', '5000', join(FIXTURES, 'migrations', 'add-column.sql')], /--lock-timeout must be between 100 and 500 ms/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = cli(...args);
      assert.equal(code, 2, args.join(' '));
      assert.match(stderr, message);
      assert.equal(stdout, '');
    }
  });

  test('--help lists the options', () => {
    const { code, stdout } = cli('--help');
    assert.equal(code, 0);
    for (const option of ['--engine', '--url', '--history', '--format', '--lock-timeout', '--statement-timeout']) assert.ok(stdout.includes(option), option);
  });
});
