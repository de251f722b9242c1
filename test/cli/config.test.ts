/** The target version and the configuration file: discovery, --config, and flags over the file. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configOnly, parseJsonReport, scratchFolder, useBuiltCli } from './helpers';

const cli = useBuiltCli();

// CREATE INDEX CONCURRENTLY is flagged on 14.0–14.3 only (it could corrupt indexes before 14.4).
const CONCURRENT = 'CREATE INDEX CONCURRENTLY i ON t (c);\n';
const PLAIN = 'CREATE INDEX i ON t (c);\n';

const RULE = ['create-index-concurrently'];
const folder = scratchFolder({
  'safe-migrations.config.json': configOnly(RULE),
  'concurrent.sql': CONCURRENT,
  'on-14-2/safe-migrations.config.json': configOnly(RULE, { postgresVersion: '14.2' }),
  'on-14-2/concurrent.sql': CONCURRENT,
  'on-14-2/nested/safe-migrations.config.json': configOnly(RULE),
  'on-14-2/nested/concurrent.sql': CONCURRENT,
  'strict/safe-migrations.config.json': configOnly(RULE, { rules: { 'create-index-concurrently': 'error' } }),
  'strict/plain.sql': PLAIN,
  'quiet/safe-migrations.config.json': configOnly([]),
  'quiet/plain.sql': PLAIN,
  'bom/safe-migrations.config.json': `\uFEFF${configOnly(RULE, { postgresVersion: '14.2' })}`,
  'bom/concurrent.sql': CONCURRENT,
  'elsewhere.json': configOnly(RULE, { postgresVersion: 14.1 }),
  'project/safe-migrations.config.json': configOnly(RULE, { migrations: ['db/migrations'] }),
  'project/db/migrations/V1__index.sql': PLAIN,
  'project/src/app.sql': PLAIN,
});

const rulesIn = (stdout: string) => parseJsonReport(stdout).map((f) => `${f.file} ${f.rule} ${f.severity}`);

describe('--pg-version', () => {
  it('changes the verdict: CONCURRENTLY is flagged on 14.2, not on 16', () => {
    const on14 = cli.run(['lint', '--format', 'json', '--pg-version', '14.2', 'concurrent.sql'], { cwd: folder });
    assert.equal(on14.status, 1);
    const [finding] = parseJsonReport(on14.stdout);
    assert.equal(finding.rule, 'create-index-concurrently');
    assert.match(finding.message, /14\.2/);
    const on16 = cli.run(['lint', '--format', 'json', '--pg-version', '16', 'concurrent.sql'], { cwd: folder });
    assert.equal(on16.status, 0);
    assert.deepEqual(parseJsonReport(on16.stdout), []);
  });
});

describe('configuration file', () => {
  it('is found in the input folder or above it', () => {
    const run = cli.run(['lint', '--format', 'json', 'on-14-2/concurrent.sql'], { cwd: folder });
    assert.deepEqual(rulesIn(run.stdout), ['on-14-2/concurrent.sql create-index-concurrently warning']);
  });

  it('may start with a byte-order mark', () => {
    const run = cli.run(['lint', '--format', 'json', 'bom'], { cwd: folder });
    assert.equal(run.stderr, '');
    assert.deepEqual(rulesIn(run.stdout), ['bom/concurrent.sql create-index-concurrently warning']);
  });

  it('the nearest one wins, and it is not merged with the one above', () => {
    // nested/ sets no version and does not inherit 14.2 from its parent: the default (16) applies.
    const run = cli.run(['lint', '--format', 'json', 'on-14-2/nested/concurrent.sql'], { cwd: folder });
    assert.deepEqual(rulesIn(run.stdout), []);
    const on14 = cli.run(['lint', '--format', 'json', '--pg-version', '14.2', 'on-14-2/nested/concurrent.sql'], { cwd: folder });
    assert.deepEqual(rulesIn(on14.stdout), ['on-14-2/nested/concurrent.sql create-index-concurrently warning']);
  });

  it('turns rules off', () => {
    const run = cli.run(['lint', '--format', 'json', 'quiet/plain.sql'], { cwd: folder });
    assert.equal(run.status, 0);
    assert.deepEqual(rulesIn(run.stdout), []);
  });

  it('is looked up per input', () => {
    const run = cli.run(['lint', '--format', 'json', 'concurrent.sql', 'on-14-2/concurrent.sql', 'strict/plain.sql'], { cwd: folder });
    assert.deepEqual(rulesIn(run.stdout), ['on-14-2/concurrent.sql create-index-concurrently warning', 'strict/plain.sql create-index-concurrently error']);
  });

  it('--config replaces discovery', () => {
    const run = cli.run(['lint', '--format', 'json', '--config', 'elsewhere.json', 'concurrent.sql', 'strict/plain.sql'], { cwd: folder });
    // elsewhere.json targets 14.1 and does not raise the rule to error.
    assert.deepEqual(rulesIn(run.stdout), ['concurrent.sql create-index-concurrently warning', 'strict/plain.sql create-index-concurrently warning']);
  });

  it('flags override the file', () => {
    const run = cli.run(['lint', '--format', 'json', '--pg-version', '16', 'on-14-2/concurrent.sql'], { cwd: folder });
    assert.equal(run.status, 0);
    assert.deepEqual(rulesIn(run.stdout), []);
  });

  it('without paths, lints the folders its "migrations" lists', () => {
    const run = cli.run(['lint', '--format', 'json'], { cwd: `${folder}/project/src` });
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(rulesIn(run.stdout), ['../db/migrations/V1__index.sql create-index-concurrently warning']);
  });
});
