/**
 * One history as the language server keeps it: buffers over the files on disk, re-lints of the later
 * migrations an edit affects, and the base git ref (`baseRef`) for the history rules.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadPostgresParser, resolveConfig } from '../../server/src/engine/index';
import { HistoryState } from '../../server/src/lsp/histories/history-state';
import { writeFiles } from '../cli/helpers';

describe('a history kept by the language server', () => {
  const repo = mkdtempSync(join(tmpdir(), 'safe-migrations-history-state-'));
  after(() => rmSync(repo, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_SYSTEM: '/dev/null' } });
  const V1 = 'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n';
  const V2 = 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(320);\n';

  before(async () => {
    await loadPostgresParser();
    git('init', '--quiet', '--initial-branch=main');
    git('config', 'user.email', 'dev@example.com');
    git('config', 'user.name', 'Dev');
    writeFiles(repo, { 'db/V1__create_accounts.sql': V1, 'db/V2__limit_email.sql': V2 });
    git('add', '.');
    git('commit', '--quiet', '-m', 'V1 and V2');
  });

  const rules = (findings: { rule: string }[]) => findings.map((f) => f.rule).sort();

  it('lints a buffer against the history, and re-lints the later migrations an edit of an earlier one affects', () => {
    const config = resolveConfig({ rules: { 'lock-timeout': 'off', 'statement-timeout': 'off' } });
    const state = new HistoryState(join(repo, 'db'));
    state.build(config);
    // text → varchar(320) is not binary compatible: a rewrite, known from V1.
    assert.deepEqual(rules(state.lint('V2__limit_email.sql', V2, config)!.findings), ['alter-column-type']);
    const edited = state.lint('V1__create_accounts.sql', V1.replace('email text', 'email varchar(100)'), config)!;
    assert.deepEqual(edited.affected, ['V2__limit_email.sql']);
    // varchar(100) → varchar(320) only widens: no rewrite.
    assert.deepEqual(rules(state.lint('V2__limit_email.sql', V2, config)!.findings), []);
    assert.deepEqual(state.closed('V1__create_accounts.sql'), ['V1__create_accounts.sql', 'V2__limit_email.sql']);
    assert.deepEqual(rules(state.lint('V2__limit_email.sql', V2, config)!.findings), ['alter-column-type']);
    assert.equal(state.lint('README.sql', 'SELECT 1;', config), undefined, 'a file that is no migration of the history is linted alone');
  });

  it('compares with the base ref of the configuration: an edited merged migration is flagged', () => {
    const config = resolveConfig({ baseRef: 'main', rules: { 'lock-timeout': 'off', 'statement-timeout': 'off', 'alter-column-type': 'off' } });
    const state = new HistoryState(join(repo, 'db'));
    state.build(config);
    assert.deepEqual(rules(state.lint('V2__limit_email.sql', V2, config)!.findings), []);
    assert.deepEqual(rules(state.lint('V2__limit_email.sql', V2.replace('320', '254'), config)!.findings), ['modified-applied-migration']);
  });

  it('logs a base ref that does not exist and lints without it', () => {
    const config = resolveConfig({ baseRef: 'origin/nope', rules: { 'lock-timeout': 'off', 'statement-timeout': 'off', 'alter-column-type': 'off' } });
    const logged: string[] = [];
    const state = new HistoryState(join(repo, 'db'), (m) => logged.push(m));
    state.build(config);
    assert.deepEqual(rules(state.lint('V2__limit_email.sql', V2.replace('320', '254'), config)!.findings), []);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /base ref "origin\/nope" does not exist/);
  });
});
