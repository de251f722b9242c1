/**
 * Runs the real, bundled CLI. Each test file bundles the CLI (the launcher and server/src/cli/main.ts)
 * with scripts/build-cli.mjs, as the build does, into a folder of its own (next to the WASM parser and
 * the rule docs, as in dist/): a parallel `npm run build` that empties dist/ cannot pull it away mid-test.
 * SAFE_MIGRATIONS_CLI=path/to/cli.js runs an existing bundle instead (e.g. dist/cli.js).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { RULE_IDS } from '../../server/src/engine/index';
import { buildCli } from '../../scripts/build-cli.mjs';

export const ROOT = join(__dirname, '..', '..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Registers before/after hooks that build the CLI once for the calling test file. */
export function useBuiltCli(): { run(args: string[], options?: RunOptions): CliRun; path(): string } {
  let cli = process.env.SAFE_MIGRATIONS_CLI;
  let folder: string | undefined;
  before(async () => {
    if (cli) return;
    folder = mkdtempSync(join(tmpdir(), 'safe-migrations-cli-'));
    cli = await buildCliInto(folder);
  });
  after(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });
  return {
    path: () => cli!,
    run: (args, options = {}) => runCli(cli!, args, options),
  };
}

async function buildCliInto(folder: string): Promise<string> {
  const outfile = await buildCli(folder, { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: ROOT });
  cpSync(join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm'), join(folder, 'libpg-query.wasm'));
  cpSync(join(ROOT, 'server', 'docs'), join(folder, 'docs'), { recursive: true });
  return outfile;
}

export function runCli(cli: string, args: string[], options: RunOptions = {}): CliRun {
  // A clean environment: no colour forced or forbidden by the developer's shell.
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: options.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface JsonFinding {
  file: string;
  rule: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export function parseJsonReport(stdout: string): JsonFinding[] {
  const report = JSON.parse(stdout) as { version: number; findings: JsonFinding[] };
  if (report.version !== 1) throw new Error(`unexpected report version ${report.version}`);
  return report.findings;
}

/** A scratch folder with the given files (paths relative to it), removed after the test file. */
export function scratchFolder(files: Record<string, string | Uint8Array>): string {
  const folder = mkdtempSync(join(tmpdir(), 'safe-migrations-test-'));
  writeFiles(folder, files);
  after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

export function writeFiles(folder: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), content);
  }
}

/**
 * The text of a safe-migrations.config.json that turns every rule off except `keep`, plus `extra`
 * settings: these tests pin exact output, which must not change when another rule is added.
 */
export function configOnly(keep: string[], extra: Record<string, unknown> = {}): string {
  const rules: Record<string, string> = {};
  for (const id of RULE_IDS) if (!keep.includes(id)) rules[id] = 'off';
  return `${JSON.stringify({ ...extra, rules: { ...rules, ...((extra.rules as object) ?? {}) } }, null, 2)}\n`;
}
