/**
 * A folder is one migration history: each migration is linted against the schema the earlier ones
 * built, in the framework's order (detected, or --framework / `framework`), with a note for DDL the
 * model does not follow, and --base-ref / `baseRef` telling which migrations are already merged.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { configOnly, parseJsonReport, scratchFolder, useBuiltCli, writeFiles, type JsonFinding } from './helpers';

const cli = useBuiltCli();

const HISTORY = {
  'V1__create_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n',
  'V2__seed.sql': "INSERT INTO accounts (id, email) VALUES (1, 'a@example.com');\n",
  'V3__create_invoices.sql': 'CREATE TABLE invoices (id bigint PRIMARY KEY, amount integer NOT NULL);\nCREATE INDEX invoices_amount_idx ON invoices (amount);\n',
  'V4__index_invoices.sql': 'CREATE INDEX invoices_id_amount_idx ON invoices (id, amount);\n',
  'V5__widen_amount.sql': 'ALTER TABLE invoices ALTER COLUMN amount TYPE bigint;\n',
};
const RULES = ['alter-column-type', 'create-index-concurrently', 'concurrently-in-transaction', 'unhandled-ddl'];

const folder = scratchFolder({
  'flyway/safe-migrations.config.json': configOnly(RULES),
  ...Object.fromEntries(Object.entries(HISTORY).map(([name, sql]) => [`flyway/${name}`, sql])),
  // The same V5 outside any history: nothing tells it what invoices.amount was.
  'alone/safe-migrations.config.json': configOnly(RULES),
  'alone/V5__widen_amount.sql': HISTORY['V5__widen_amount.sql'],
  // A project whose configuration lists its migrations folder: a file named alone is linted with it.
  'project/safe-migrations.config.json': configOnly(RULES, { migrations: ['db/migrations'] }),
  ...Object.fromEntries(Object.entries(HISTORY).map(([name, sql]) => [`project/db/migrations/${name}`, sql])),
  // Flyway runs each migration in a transaction, where CONCURRENTLY fails; plain files run one by one.
  'concurrent/safe-migrations.config.json': configOnly(RULES),
  'concurrent/V1__create.sql': 'CREATE TABLE t (id bigint, c int);\n',
  'concurrent/V2__index.sql': 'CREATE INDEX CONCURRENTLY t_c_idx ON t (c);\n',
  'forced-by-config/safe-migrations.config.json': configOnly(RULES, { framework: 'plain' }),
  'forced-by-config/V1__create.sql': 'CREATE TABLE t (id bigint, c int);\n',
  'forced-by-config/V2__index.sql': 'CREATE INDEX CONCURRENTLY t_c_idx ON t (c);\n',
  'bad-framework/safe-migrations.config.json': configOnly(RULES, { framework: 'rails' }),
  'bad-framework/V1__create.sql': 'CREATE TABLE t (id bigint);\n',
  // CREATE STATISTICS changes nothing the schema model keeps: one information-level note.
  'unhandled/safe-migrations.config.json': configOnly(RULES),
  'unhandled/V1__create.sql': 'CREATE TABLE t (a int, b int);\n',
  'unhandled/V2__stats.sql': '-- Planner statistics.\nCREATE STATISTICS t_ab (dependencies) ON a, b FROM t;\nCREATE STATISTICS t_ba (ndistinct) ON b, a FROM t;\n',
});

const lintJson = (args: string[], cwd = folder) => {
  const run = cli.run(['lint', '--format', 'json', ...args], { cwd });
  return { ...run, findings: run.stdout ? parseJsonReport(run.stdout) : [] };
};
const summary = (findings: JsonFinding[]) => findings.map((f) => `${f.file}:${f.line} ${f.rule}`);

describe('a folder as one migration history', () => {
  it('lints each migration against the schema the earlier ones built', () => {
    const { status, findings } = lintJson(['flyway']);
    assert.equal(status, 1);
    // V3's index is on the table V3 creates (empty: no finding); V4's on the table V3 created (may hold rows).
    assert.deepEqual(summary(findings), ['flyway/V4__index_invoices.sql:1 create-index-concurrently', 'flyway/V5__widen_amount.sql:1 alter-column-type']);
    const alter = findings.find((f) => f.rule === 'alter-column-type')!;
    assert.match(alter.message, /Changing invoices\.amount from integer to bigint rewrites invoices/);
  });

  it('without the history, the old type is unknown', () => {
    const { findings } = lintJson(['alone/V5__widen_amount.sql']);
    assert.match(findings.find((f) => f.rule === 'alter-column-type')!.message, /old type of invoices\.amount is unknown/);
  });

  it('lints a file named alone with its history when it lies in a configured migrations folder', () => {
    const { findings } = lintJson(['project/db/migrations/V5__widen_amount.sql']);
    assert.deepEqual(summary(findings), ['project/db/migrations/V5__widen_amount.sql:1 alter-column-type']);
    assert.match(findings[0].message, /from integer to bigint/);
  });

  it('reports each file once, in the framework order, when a folder and one of its files are both named', () => {
    const { findings } = lintJson(['flyway/V5__widen_amount.sql', 'flyway']);
    // The file named first is linted on its own (it is in no configured folder), and not again.
    assert.deepEqual(summary(findings), ['flyway/V5__widen_amount.sql:1 alter-column-type', 'flyway/V4__index_invoices.sql:1 create-index-concurrently']);
    assert.match(findings[0].message, /unknown/);
  });
});

describe('--framework and the framework setting', () => {
  it('detects Flyway, which runs each migration in a transaction: CONCURRENTLY fails there', () => {
    const { findings } = lintJson(['concurrent']);
    assert.deepEqual(summary(findings), ['concurrent/V2__index.sql:1 concurrently-in-transaction']);
  });

  it('--framework plain runs the files statement by statement, as psql does', () => {
    const { status, findings, stderr } = lintJson(['--framework', 'plain', 'concurrent']);
    assert.equal(stderr, '');
    assert.equal(status, 0);
    assert.deepEqual(findings, []);
  });

  it('"framework" in the configuration forces the layout too, and --framework overrides it', () => {
    assert.deepEqual(lintJson(['forced-by-config']).findings, []);
    assert.deepEqual(summary(lintJson(['--framework', 'flyway', 'forced-by-config']).findings), ['forced-by-config/V2__index.sql:1 concurrently-in-transaction']);
  });

  it('an unknown framework is a usage error (exit 2) that lists the known ones', () => {
    const flag = cli.run(['lint', '--framework', 'rails', 'flyway'], { cwd: folder });
    assert.equal(flag.status, 2);
    assert.equal(flag.stdout, '');
    assert.match(flag.stderr, /^safe-migrations: unknown framework "rails": --framework must be one of flyway, liquibase, .*plain\n$/);
    const setting = cli.run(['lint', 'bad-framework'], { cwd: folder });
    assert.equal(setting.status, 2);
    assert.match(setting.stderr, /"framework" must be one of flyway, .* not "rails"/);
  });
});

describe('DDL the schema model does not follow', () => {
  it('is one information-level unhandled-ddl note per migration, which does not fail the run', () => {
    const { status, findings } = lintJson(['unhandled']);
    assert.equal(status, 0, 'info does not fail with the default --fail-on warning');
    assert.deepEqual(summary(findings), ['unhandled/V2__stats.sql:1 unhandled-ddl']);
    assert.equal(findings[0].severity, 'info');
    assert.match(findings[0].message, /does not follow 2 statements of this migration: CreateStatsStmt ×2\./);
    assert.equal(lintJson(['--fail-on', 'info', 'unhandled']).status, 1);
  });

  it('is silenced by an ignore-file directive', () => {
    const quiet = scratchFolder({
      'safe-migrations.config.json': configOnly(RULES),
      'V1__create.sql': 'CREATE TABLE t (a int, b int);\n',
      'V2__stats.sql': '-- safe-migrations-ignore-file unhandled-ddl\nCREATE STATISTICS t_ab ON a, b FROM t;\n',
    });
    assert.deepEqual(lintJson(['.'], quiet).findings, []);
  });
});

describe('--base-ref and the baseRef setting', () => {
  const repo = mkdtempSync(join(tmpdir(), 'safe-migrations-git-'));
  after(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null' } });
  const rules = ['modified-applied-migration', 'out-of-order-version'];

  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'dev@example.com');
  git('config', 'user.name', 'Dev');
  writeFiles(repo, {
    'safe-migrations.config.json': configOnly(rules),
    'db/V1__create_accounts.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n',
    'db/V2__add_email.sql': 'ALTER TABLE accounts ADD COLUMN email text;\n',
    'db/V3__add_name.sql': 'ALTER TABLE accounts ADD COLUMN name text;\n',
  });
  git('add', '.');
  git('commit', '--quiet', '-m', 'V1 to V3');
  // On a branch: V2, already merged, is edited, and V1_5 is added behind the merged V2 and V3.
  writeFileSync(join(repo, 'db', 'V2__add_email.sql'), 'ALTER TABLE accounts ADD COLUMN email varchar(320);\n');
  writeFileSync(join(repo, 'db', 'V1_5__add_phone.sql'), 'ALTER TABLE accounts ADD COLUMN phone text;\n');

  it('flags the edited merged migration and the new version that sorts before merged ones', () => {
    const { status, findings } = lintJson(['--base-ref', 'main', 'db'], repo);
    assert.equal(status, 1);
    assert.deepEqual(summary(findings), ['db/V1_5__add_phone.sql:1 out-of-order-version', 'db/V2__add_email.sql:1 modified-applied-migration']);
  });

  it('flags nothing of the kind without a base ref', () => {
    assert.deepEqual(lintJson(['db'], repo).findings, []);
  });

  it('takes baseRef from the configuration', () => {
    writeFiles(repo, {
      'with-base.json': configOnly(rules, { baseRef: 'main' }),
      // Not committed: on main this folder does not exist, so nothing in it is merged yet.
      'fresh/V1__create.sql': 'CREATE TABLE t (id bigint);\n',
    });
    assert.deepEqual(summary(lintJson(['--config', 'with-base.json', 'db'], repo).findings), ['db/V1_5__add_phone.sql:1 out-of-order-version', 'db/V2__add_email.sql:1 modified-applied-migration']);
    assert.deepEqual(lintJson(['--config', 'with-base.json', 'fresh'], repo).findings, []);
  });

  it('says so, with exit code 2, when the ref does not exist', () => {
    const run = cli.run(['lint', '--base-ref', 'origin/nope', 'db'], { cwd: repo });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^safe-migrations: base ref "origin\/nope" does not exist in the git repository of .*db/);
  });

  it('says so, with exit code 2, when the folder is not in a git repository', () => {
    const run = cli.run(['lint', '--base-ref', 'main', 'flyway'], { cwd: folder });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^safe-migrations: .*flyway is not inside a git repository, so --base-ref cannot be read\n$/);
  });
});
