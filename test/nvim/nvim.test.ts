/**
 * Neovim as a second LSP client: test/nvim/check.lua starts `node dist/cli.js lsp --stdio`, opens a
 * copy of the fixture workspace's unsafe migration, checks the diagnostics' codes and links, asks for
 * code actions, applies a quick fix, writes the file, sees the fixed finding go, and shuts the server
 * down. Needs Debian's neovim (apt-get install -y neovim) and a build (npm run build).
 *
 * Without neovim this test is skipped with a message, except in CI (CI=true) or with
 * SAFE_MIGRATIONS_REQUIRE_NVIM=1, where it fails: .ci/run installs neovim, so CI always runs it.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const CHECK = join(__dirname, 'check.lua');
const WORKSPACE = join(root, 'test', 'fixtures', 'e2e-workspace');
const FILE = join('migrations', 'V3__index_accounts_email.sql');
const EXPECTED_RULES = ['create-index-concurrently', 'lock-timeout'];
/** lock-timeout's autofix (SET lock_timeout at the top) exists: the check must apply a fix and write. */
const REQUIRE_QUICK_FIX = true;

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const nvimVersion = nvim.status === 0 ? nvim.stdout.split('\n')[0] : undefined;
const required = process.env.CI === 'true' || process.env.SAFE_MIGRATIONS_REQUIRE_NVIM === '1';
const skip = !nvimVersion && !required ? 'neovim is not installed (apt-get install -y neovim); CI always runs this check' : false;

interface CheckResult {
  ok?: boolean;
  failure?: string;
  codes: string[];
  links: Record<string, string | null>;
  code_actions?: Record<string, number>;
  applied?: { rule: string; title: string } | null;
  exit_code?: number;
  steps: string[];
}

describe('neovim as an LSP client', () => {
  it('gets diagnostics with codes and links, round-trips a code action, shuts the server down', { skip, timeout: 90_000 }, () => {
    assert.ok(nvimVersion, 'neovim is not installed: apt-get install -y neovim');
    const cli = join(root, 'dist', 'cli.js');
    assert.ok(existsSync(cli), 'dist/cli.js is missing: run npm run build first');
    const dir = mkdtempSync(join(tmpdir(), 'safe-migrations-nvim-'));
    try {
      const workspace = join(dir, 'workspace');
      cpSync(WORKSPACE, workspace, { recursive: true });
      const file = join(workspace, FILE);
      const before = readFileSync(file, 'utf8');
      const resultFile = join(dir, 'result.json');
      const run = spawnSync('nvim', ['--headless', '--clean', '-i', 'NONE', '-n', '-c', `luafile ${CHECK}`], {
        cwd: workspace,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          HOME: dir, // nothing of the real home (shada, swap, state) is read or written
          XDG_STATE_HOME: join(dir, 'state'),
          XDG_DATA_HOME: join(dir, 'data'),
          SAFE_MIGRATIONS_SERVER_CMD: JSON.stringify([process.execPath, cli, 'lsp', '--stdio']),
          SAFE_MIGRATIONS_ROOT: workspace,
          SAFE_MIGRATIONS_FILE: file,
          SAFE_MIGRATIONS_EXPECT: EXPECTED_RULES.join(','),
          SAFE_MIGRATIONS_REQUIRE_FIX: REQUIRE_QUICK_FIX ? '1' : '0',
          SAFE_MIGRATIONS_RESULT: resultFile,
        },
      });
      process.stdout.write(`${nvimVersion}\n${run.stdout}${run.stderr}`);
      assert.equal(run.error, undefined, `nvim did not finish: ${run.error?.message}`);
      assert.ok(existsSync(resultFile), `check.lua wrote no result (exit ${run.status}): ${run.stderr}`);
      const result = JSON.parse(readFileSync(resultFile, 'utf8')) as CheckResult;
      assert.equal(result.failure, undefined);
      assert.equal(run.status, 0);
      assert.equal(result.ok, true);

      for (const rule of EXPECTED_RULES) {
        assert.ok(result.codes.includes(rule), `${rule} missing from ${result.codes.join(', ')}`);
        assert.match(result.links[rule] ?? '', new RegExp(`^file://.*/docs/rules/${rule}\\.md$`));
      }
      assert.deepEqual(Object.keys(result.code_actions ?? {}).sort(), [...EXPECTED_RULES].sort());
      assert.equal(result.exit_code, 0);

      const after = readFileSync(file, 'utf8');
      process.stdout.write(`${FILE} after the check:\n${after}`);
      if (result.applied) {
        assert.notEqual(after, before, `"${result.applied.title}" was applied but the file did not change`);
        // The fix added to the statement; the statement itself is still there.
        assert.ok(after.includes('CREATE INDEX accounts_email_idx ON accounts (email);'), after);
        if (result.applied.rule === 'lock-timeout') assert.match(after, /SET\s+lock_timeout/i);
      } else {
        assert.equal(REQUIRE_QUICK_FIX, false, 'a quick fix is required but none was applied');
        assert.equal(after, before, 'no fix was applied, yet the file changed');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
