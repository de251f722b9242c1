/**
 * `safe-migrations lint`: lints migration files and folders and prints a report.
 * Exit codes: 0 nothing at or above the failure severity, 1 findings at or above it, 2 usage,
 * configuration or file errors.
 */
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  loadPostgresParser,
  parseServerVersion,
  resolveConfig,
  SEVERITY_RANK,
  type ProjectConfig,
  type ResolvedConfig,
  type Severity,
} from '../../engine/index';
import { findConfigFile, loadConfigFile, type LoadedConfig } from '../../node/config-file';
import { describeFsError, InputError, resolveInput, type MigrationInput } from '../../node/inputs';
import { lintFile, type FileResult } from '../../node/lint-files';
import { isFormatName, REPORTERS, type FormatName } from '../reporters/index';
import { version } from '../../../../package.json';

export const USAGE = `Usage: safe-migrations lint [options] <file-or-folder>...

Lints PostgreSQL migration files. A folder is one migration history: its .sql files, in version order.

Options:
  -f, --format <name>     text (default), json, sarif or github
      --pg-version <N>    target PostgreSQL version, e.g. 16 or 14.2 (default 16)
  -c, --config <file>     configuration file (default: the nearest safe-migrations.config.json)
      --fail-on <level>   lowest severity that fails: error, warning (default), info or hint
      --exit-zero         exit with 0 even when findings fail (usage and file errors still exit 2)
  -h, --help              show this help

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or configuration error.
`;

const SEVERITIES = ['error', 'warning', 'info', 'hint'];

/** A mistake in the command line or the configuration: one line on stderr, exit code 2. */
class UsageError extends Error {}

interface Target {
  input: MigrationInput;
  config: ResolvedConfig;
}

interface LintArgs {
  format: FormatName;
  paths: string[];
  configPath?: string;
  flags: ProjectConfig;
  exitZero: boolean;
}

export async function run(args: string[]): Promise<number> {
  let parsed: LintArgs | 'help';
  try {
    parsed = parseLintArgs(args);
  } catch (error) {
    return fail(error);
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  // Start compiling the parser's WebAssembly now: it compiles off the main thread while files are read.
  const parserReady = loadPostgresParser();
  parserReady.catch(() => undefined);

  let targets: Target[];
  try {
    targets = collectTargets(parsed);
    await parserReady;
  } catch (error) {
    return fail(error);
  }

  const { files, broken } = lintTargets(targets);

  // `safe-migrations lint … | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const output = REPORTERS[parsed.format]({ files }, { color: useColor(), cwd: process.cwd(), version });
  if (output) process.stdout.write(output);
  if (broken) return 2;
  if (parsed.exitZero) return 0;
  const failing = files.some(({ findings, config }) => findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[config.failOn]));
  return failing ? 1 : 0;
}

/** Lints every file once (a file named directly and through its folder is linted once). */
function lintTargets(targets: Target[]): { files: FileResult[]; broken: boolean } {
  const files: FileResult[] = [];
  const seen = new Set<string>();
  let broken = false;
  for (const { input, config } of targets) {
    for (const file of input.files) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      try {
        files.push(lintFile(file, config));
      } catch (error) {
        // A file that vanished or is unreadable, or an engine bug: say which file, lint the others.
        const code = (error as NodeJS.ErrnoException).code;
        const why = code ? describeFsError(error) : `internal error: ${(error as Error).stack ?? String(error)}`;
        process.stderr.write(`safe-migrations: cannot lint ${file.display}: ${why}\n`);
        broken = true;
      }
    }
  }
  return { files, broken };
}

function parseLintArgs(args: string[]): LintArgs | 'help' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        'pg-version': { type: 'string' },
        config: { type: 'string', short: 'c' },
        'fail-on': { type: 'string' },
        'exit-zero': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // Node's messages name the option but end with hints meant for programmers; keep the first sentence.
    throw new UsageError(((error as Error).message.split('. ')[0] ?? 'bad arguments').replace(/\.$/, ''));
  }
  if (values.help) return 'help';
  const format = values.format ?? 'text';
  if (!isFormatName(format)) throw new UsageError(`--format must be text, json, sarif or github, not "${format}"`);
  const flags: ProjectConfig = {};
  if (values['pg-version'] !== undefined) {
    try {
      parseServerVersion(values['pg-version']);
    } catch {
      throw new UsageError(`--pg-version must be a PostgreSQL version such as 16 or 14.2, not "${values['pg-version']}"`);
    }
    flags.postgresVersion = values['pg-version'];
  }
  if (values['fail-on'] !== undefined) {
    if (!SEVERITIES.includes(values['fail-on'])) throw new UsageError(`--fail-on must be error, warning, info or hint, not "${values['fail-on']}"`);
    flags.failOn = values['fail-on'] as Severity;
  }
  return { format, paths: positionals, configPath: values.config, flags, exitZero: values['exit-zero'] === true };
}

/** Each input with the configuration that applies to it: --config, else the nearest file; flags win. */
function collectTargets(args: LintArgs): Target[] {
  const loaded = new Map<string, LoadedConfig>();
  const load = (path: string): LoadedConfig => {
    let config = loaded.get(path);
    if (!config) {
      try {
        config = loadConfigFile(path);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new UsageError(`cannot read configuration ${path}: ${describeFsError(error)}`);
      }
      loaded.set(path, config);
    }
    return config;
  };
  const nearest = (start: string): LoadedConfig | undefined => {
    const path = findConfigFile(start);
    return path ? load(path) : undefined;
  };
  const explicit = args.configPath === undefined ? undefined : load(args.configPath);

  let paths = args.paths;
  if (paths.length === 0) {
    // No paths: lint the folders the configuration lists, relative to the configuration file.
    const found = explicit ?? nearest(process.cwd());
    const folders = found?.config.migrations ?? [];
    if (!found || folders.length === 0) {
      throw new UsageError('no files or folders given (and no "migrations" in a safe-migrations.config.json); see safe-migrations lint --help');
    }
    paths = folders.map((folder) => relative(process.cwd(), join(dirname(found.path), folder)) || '.');
  }

  return paths.map((path) => ({ input: resolveInput(path), config: resolveConfig((explicit ?? nearest(path))?.config, args.flags) }));
}

function useColor(): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (process.env.NO_COLOR) return false;
  return process.stdout.isTTY === true;
}

function fail(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof InputError) {
    process.stderr.write(`safe-migrations: ${error.message}\n`);
    return 2;
  }
  throw error;
}
