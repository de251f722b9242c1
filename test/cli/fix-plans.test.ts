/** `safe-migrations fix --suggestions` on a history: multi-step rewrites become new migration files. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonReport, scratchFolder, useBuiltCli } from './helpers';

const cli = useBuiltCli();

const SETUP = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n';
const CHANGE = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\nCREATE INDEX idx_users_email ON users (email);\n";
const NEW_FILE = 'db/V3__create_index_idx_users_email_concurrently.sql';

function flywayHistory(): string {
  return scratchFolder({ 'db/V1__setup.sql': SETUP, 'db/V2__change.sql': CHANGE });
}

const read = (folder: string, path: string): string => readFileSync(join(folder, path), 'utf8');
const rulesFound = (folder: string): string[] => {
  const run = cli.run(['lint', '--format', 'json', 'db'], { cwd: folder });
  return parseJsonReport(run.stdout).map((f) => f.rule);
};

describe('safe-migrations fix --suggestions with multi-step rewrites', () => {
  it('--write moves CREATE INDEX to a new Flyway migration that runs outside a transaction', () => {
    const folder = flywayHistory();
    assert.ok(rulesFound(folder).includes('create-index-concurrently'), 'the history starts with the finding');
    const run = cli.run(['fix', '--suggestions', '--write', 'db'], { cwd: folder });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(readdirSync(join(folder, 'db')).sort(), ['V1__setup.sql', 'V2__change.sql', 'V3__create_index_idx_users_email_concurrently.sql', 'V3__create_index_idx_users_email_concurrently.sql.conf']);
    assert.equal(read(folder, NEW_FILE), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);\n');
    assert.match(read(folder, `${NEW_FILE}.conf`), /^executeInTransaction=false$/m);
    assert.equal(read(folder, 'db/V2__change.sql'), "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\n", 'the statement left the original');
    assert.match(run.stdout, new RegExp(`created ${NEW_FILE.replace(/\./g, '\\.')}\\n`));
    assert.match(run.stderr, /SHARE UPDATE EXCLUSIVE lock on users/, 'the plan says which lock its step takes');
    assert.ok(!rulesFound(folder).includes('create-index-concurrently'), 'lint no longer reports the finding');
  });

  it('without --write prints the new files as a patch that git applies, and changes nothing', () => {
    const folder = flywayHistory();
    const run = cli.run(['fix', '--suggestions', 'db'], { cwd: folder });
    assert.equal(run.status, 1, run.stderr);
    assert.ok(!existsSync(join(folder, NEW_FILE)), 'nothing is written');
    assert.equal(read(folder, 'db/V2__change.sql'), CHANGE);
    assert.ok(run.stdout.includes(`--- /dev/null\n+++ b/${NEW_FILE}\n`), run.stdout);
    assert.ok(run.stdout.includes('+CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);\n'));
    assert.ok(run.stdout.includes('\n-CREATE INDEX idx_users_email ON users (email);\n'));
    const applied = spawnSync('git', ['apply', '-'], { cwd: folder, input: run.stdout, encoding: 'utf8' });
    assert.equal(applied.status, 0, applied.stderr);
    assert.match(read(folder, `${NEW_FILE}.conf`), /executeInTransaction=false/);
    assert.ok(!rulesFound(folder).includes('create-index-concurrently'));
  });

  it('without --suggestions leaves the history alone (autofixes only)', () => {
    const folder = flywayHistory();
    cli.run(['fix', '--write', 'db'], { cwd: folder });
    assert.ok(!existsSync(join(folder, NEW_FILE)));
  });

  it('two planned statements get consecutive versions', () => {
    const folder = scratchFolder({ 'db/V1__setup.sql': SETUP, 'db/V2__change.sql': `${CHANGE}CREATE INDEX idx_users_name ON users (name);\n` });
    const run = cli.run(['fix', '--suggestions', '--write', 'db'], { cwd: folder });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(existsSync(join(folder, NEW_FILE)));
    assert.equal(read(folder, 'db/V4__create_index_idx_users_name_concurrently.sql'), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_name ON users (name);\n');
    assert.equal(read(folder, 'db/V2__change.sql'), "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\n");
  });
});
