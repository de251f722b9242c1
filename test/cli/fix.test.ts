/** `safe-migrations fix`: diff by default, --write, --suggestions, histories, fix loops and exit codes. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { configOnly, scratchFolder, useBuiltCli, writeFiles, type CliRun } from './helpers';

const cli = useBuiltCli();

const RULES = ['create-index-concurrently', 'constraint-not-valid', 'lock-timeout', 'json-column', 'drop-index-concurrently', 'syntax-error'];
const UNSAFE = 'CREATE INDEX idx_orders_user ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty > 0);\n';
const FIXED =
  "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user ON orders (user_id);\nALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID;\n";

function project(files: Record<string, string | Uint8Array>, rules = RULES, extra: Record<string, unknown> = {}): string {
  return scratchFolder({ 'safe-migrations.config.json': configOnly(rules, extra), ...files });
}

const fix = (cwd: string, ...args: string[]): CliRun => cli.run(['fix', ...args], { cwd });
const read = (folder: string, path: string): string => readFileSync(join(folder, path), 'utf8');

describe('safe-migrations fix', () => {
  it('prints a unified diff, changes nothing and exits 1', () => {
    const folder = project({ 'm.sql': UNSAFE });
    const run = fix(folder, 'm.sql');
    assert.equal(run.status, 1, run.stderr);
    assert.equal(read(folder, 'm.sql'), UNSAFE, 'the file is untouched');
    assert.match(run.stdout, /^--- a\/m\.sql\n\+\+\+ b\/m\.sql\n@@ -1,2 \+1,3 @@\n/);
    assert.ok(run.stdout.includes("+SET lock_timeout = '2s';\n"));
    assert.ok(run.stdout.includes('\n-CREATE INDEX idx_orders_user ON orders (user_id);\n'));
    assert.ok(run.stdout.includes('\n+CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_user ON orders (user_id);\n'));
    // The diff is a real patch: git applies it and gets what --write writes.
    const applied = spawnSync('git', ['apply', '-'], { cwd: folder, input: run.stdout, encoding: 'utf8' });
    assert.equal(applied.status, 0, applied.stderr);
    assert.equal(read(folder, 'm.sql'), FIXED);
  });

  it('--write applies the autofixes, exits 0, and a second run finds nothing', () => {
    const folder = project({ 'm.sql': UNSAFE });
    const run = fix(folder, '--write', 'm.sql');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'fixed m.sql\n');
    assert.equal(read(folder, 'm.sql'), FIXED);
    const again = fix(folder, 'm.sql');
    assert.deepEqual([again.status, again.stdout], [0, '']);
    const linted = cli.run(['lint', 'm.sql'], { cwd: folder });
    assert.equal(linted.status, 0, `the fixed file lints clean: ${linted.stdout}`);
  });

  it('applies overlapping fixes one after the other (re-linting between them)', () => {
    // idempotent-ddl and create-index-concurrently both insert right after INDEX.
    const folder = project({ 'm.sql': 'CREATE INDEX i ON t (c);\n' }, [...RULES, 'idempotent-ddl'], { rules: { 'idempotent-ddl': 'warning' } });
    const run = fix(folder, '--write', 'm.sql');
    assert.equal(run.status, 0, run.stderr);
    // Built CONCURRENTLY, the index takes no lock that needs a lock_timeout: the SET is not added.
    assert.equal(read(folder, 'm.sql'), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\n');
  });

  it('leaves CONCURRENTLY out inside a transaction and on 14.0–14.3', () => {
    const folder = project({ 'tx.sql': 'BEGIN;\nCREATE INDEX i ON t (c);\nCOMMIT;\n', 'plain.sql': 'CREATE INDEX i ON t (c);\n' });
    assert.equal(fix(folder, '--write', 'tx.sql').status, 0);
    assert.equal(read(folder, 'tx.sql'), "SET lock_timeout = '2s';\nBEGIN;\nCREATE INDEX i ON t (c);\nCOMMIT;\n");
    assert.equal(fix(folder, '--write', '--pg-version', '14.2', 'plain.sql').status, 0);
    assert.equal(read(folder, 'plain.sql'), "SET lock_timeout = '2s';\nCREATE INDEX i ON t (c);\n");
  });

  it('applies suggestions only with --suggestions', () => {
    const folder = project({ 'm.sql': 'CREATE TABLE events (id bigint, at timestamp);\n' }, ['prefer-timestamptz'], { rules: { 'prefer-timestamptz': 'warning' } });
    const plain = fix(folder, 'm.sql');
    assert.deepEqual([plain.status, plain.stdout], [0, ''], 'a suggestion is no autofix');
    const run = fix(folder, '--suggestions', '--write', 'm.sql');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(read(folder, 'm.sql'), 'CREATE TABLE events (id bigint, at timestamptz);\n');
  });

  it('fixes a folder as a history: an index that backs a constraint is left alone', () => {
    const folder = project({
      'db/001_users.sql': 'CREATE TABLE users (id bigint CONSTRAINT users_pkey PRIMARY KEY, doc json);\n',
      'db/002_drop.sql': 'DROP INDEX users_pkey;\n',
      'db/003_index.sql': 'DROP INDEX other_idx;\n',
    });
    const run = fix(folder, '--write', 'db');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(read(folder, 'db/001_users.sql'), 'CREATE TABLE users (id bigint CONSTRAINT users_pkey PRIMARY KEY, doc jsonb);\n');
    assert.equal(read(folder, 'db/002_drop.sql'), "SET lock_timeout = '2s';\nDROP INDEX users_pkey;\n");
    assert.equal(read(folder, 'db/003_index.sql'), 'DROP INDEX CONCURRENTLY IF EXISTS other_idx;\n');
  });

  it('keeps a byte order mark and CRLF line ends, and does not touch invalid UTF-8', () => {
    const invalid = new Uint8Array([...Buffer.from('CREATE INDEX i ON t (c); -- '), 0xff, 0x0a]);
    const folder = project({ 'bom.sql': '\ufeffCREATE INDEX i ON t (c);\r\n', 'bad.sql': invalid });
    const run = fix(folder, '--write', 'bom.sql', 'bad.sql');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(read(folder, 'bom.sql'), '\ufeffCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);\r\n');
    assert.deepEqual([...readFileSync(join(folder, 'bad.sql'))], [...invalid]);
    assert.match(run.stderr, /bad\.sql: not valid UTF-8, not fixed/);
  });

  it('exits 2 on usage errors', () => {
    const folder = project({ 'm.sql': UNSAFE });
    for (const args of [[], ['--bogus', 'm.sql'], ['--pg-version', 'sixteen', 'm.sql'], ['missing.sql']]) {
      const run = fix(folder, ...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    }
    assert.equal(read(folder, 'm.sql'), UNSAFE);
    const help = fix(folder, '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--write/);
    assert.match(help.stdout, /multi-step rewrites/);
  });

  it('is listed in the command table', () => {
    const folder = project({});
    writeFiles(folder, {});
    assert.match(cli.run(['--help'], { cwd: folder }).stdout, /^ {2}fix +apply autofixes/m);
  });
});
