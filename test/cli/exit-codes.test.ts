/** Exit codes 0 / 1 / 2, --fail-on, --exit-zero, and one-line errors for bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pkg from '../../package.json';
import { configOnly, scratchFolder, useBuiltCli, type CliRun } from './helpers';

const cli = useBuiltCli();

const ONLY = ['create-index-concurrently', 'syntax-error'];
const folder = scratchFolder({
  'safe-migrations.config.json': configOnly(ONLY),
  'warning.sql': 'CREATE INDEX i ON t (c);\n',
  'clean.sql': 'SELECT 1;\n',
  'syntax.sql': 'CREATE TABLE (;\n',
  'empty-folder/readme.txt': 'no migrations here\n',
  'fail-on-error/safe-migrations.config.json': configOnly(ONLY, { failOn: 'error' }),
  'fail-on-error/warning.sql': 'CREATE INDEX i ON t (c);\n',
  'bad-json/safe-migrations.config.json': '{ "postgresVersion": 16, }\n',
  'bad-json/x.sql': 'SELECT 1;\n',
  'bad-rule.json': '{ "rules": { "no-such-rule": "off" } }\n',
  'bad-version.json': '{ "postgresVersion": "sixteen" }\n',
});

const lint = (...args: string[]): CliRun => cli.run(['lint', ...args], { cwd: folder });

/** A usage error: exit 2, nothing on stdout, exactly one line on stderr that contains `pattern`. */
function assertUsageError(run: CliRun, pattern: RegExp): void {
  assert.equal(run.status, 2, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0], /^safe-migrations: /);
  assert.match(lines[0], pattern);
}

describe('exit codes', () => {
  it('0 when nothing is found', () => assert.equal(lint('clean.sql').status, 0));
  it('1 for a warning (the default failure severity)', () => assert.equal(lint('warning.sql').status, 1));
  it('1 for an error', () => assert.equal(lint('syntax.sql').status, 1));
  it('--fail-on error lets warnings pass but not errors', () => {
    assert.equal(lint('--fail-on', 'error', 'warning.sql').status, 0);
    assert.equal(lint('--fail-on=error', 'syntax.sql').status, 1);
  });
  it('failOn in the configuration file, overridden by --fail-on', () => {
    assert.equal(lint('fail-on-error').status, 0);
    assert.equal(lint('--fail-on', 'warning', 'fail-on-error').status, 1);
  });
  it('--exit-zero prints the findings and exits 0', () => {
    const run = lint('--exit-zero', 'warning.sql', 'syntax.sql');
    assert.equal(run.status, 0);
    assert.match(run.stdout, /create-index-concurrently/);
    assert.match(run.stdout, /syntax-error/);
  });
});

describe('usage and configuration errors exit 2 with one clear line', () => {
  it('an unknown option', () => assertUsageError(lint('--fromat', 'json', 'clean.sql'), /--fromat/));
  it('an unknown format', () => assertUsageError(lint('--format', 'xml', 'clean.sql'), /--format must be text, json, sarif or github, not "xml"/));
  it('a bad --pg-version', () => assertUsageError(lint('--pg-version', '8.4', 'clean.sql'), /--pg-version .* not "8.4"/));
  it('a bad --fail-on', () => assertUsageError(lint('--fail-on', 'fatal', 'clean.sql'), /--fail-on must be error, warning, info or hint/));
  it('a missing value', () => assertUsageError(lint('clean.sql', '--format'), /--format/));
  it('a path that does not exist', () => assertUsageError(lint('nope.sql'), /cannot read nope\.sql: no such file or folder/));
  it('a folder without .sql files', () => assertUsageError(lint('empty-folder'), /no migration files \(\*\.sql\) found in empty-folder/));
  it('no paths and no configured migrations', () => assertUsageError(cli.run(['lint'], { cwd: `${folder}/empty-folder` }), /no files or folders given/));
  it('a configuration file that is not JSON', () => assertUsageError(lint('bad-json'), /bad-json\/safe-migrations\.config\.json: not valid JSON/));
  it('a configuration naming an unknown rule', () => assertUsageError(lint('--config', 'bad-rule.json', 'clean.sql'), /bad-rule\.json: unknown rule "no-such-rule"/));
  it('a configuration with a bad version', () => assertUsageError(lint('-c', 'bad-version.json', 'clean.sql'), /postgresVersion must be a PostgreSQL version/));
  it('a --config file that does not exist', () => assertUsageError(lint('--config', 'missing.json', 'clean.sql'), /cannot read configuration missing\.json: no such file or folder/));
});

describe('the safe-migrations command', () => {
  it('--help prints the commands and exits 0', () => {
    const run = cli.run(['--help']);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: safe-migrations <command>/);
    assert.match(run.stdout, /\n {2}lint {2}/);
    assert.match(run.stdout, /\n {2}lsp {3}/);
  });
  it('--version prints the package version', () => {
    const run = cli.run(['--version']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `${pkg.version}\n`);
  });
  it('an unknown command prints the usage on stderr and exits 2', () => {
    const run = cli.run(['lnit', 'x.sql']);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^safe-migrations: unknown command "lnit"\n/);
    assert.match(run.stderr, /Usage: safe-migrations <command>/);
  });
  it('no command is a usage error too', () => {
    const run = cli.run([]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /no command given/);
  });
  it('lint --help documents the options and exit codes', () => {
    const run = cli.run(['lint', '--help']);
    assert.equal(run.status, 0);
    for (const option of ['--format', '--pg-version', '--config', '--fail-on', '--exit-zero']) assert.ok(run.stdout.includes(option), option);
    assert.match(run.stdout, /Exit codes: 0 .* 1 .* 2 /);
  });
});
