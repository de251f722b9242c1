/**
 * `safe-migrations lint`: lints migration files and folders and prints a report.
 * Exit codes: 0 nothing at or above the failure severity, 1 findings at or above it, 2 usage,
 * configuration or file errors.
 */
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import {
  ConfigError,
  FRAMEWORK_IDS,
  isFrameworkId,
  loadPostgresParser,
  resolveConfig,
  SEVERITY_RANK,
  type ProjectConfig,
  type ResolvedConfig,
  type Severity,
  UnknownFrameworkError,
} from '../../engine/index';
import { findConfigFile, type LoadedConfig } from '../../node/config-file';
import { describeFsError, InputError, resolveInput, type MigrationInput } from '../../node/inputs';
import { GitBaseError } from '../../node/git-base';
import { lintFile, type FileResult } from '../../node/lint-files';
import { lintHistoryFolder, type HistoryFolderLint } from '../../node/lint-history-folder';
import { skipOptimisingCompilerBelow } from '../../node/v8-tuning';
import { isFormatName, REPORTERS, type FormatName } from '../reporters/index';
import { version } from '../../../../package.json';
import { configLoader, parseCommandArgs, pgVersionFlag, UsageError } from '../usage';

export const USAGE = `Usage: safe-migrations lint [options] <file-or-folder>...

Lints PostgreSQL migration files. A folder is one migration history: its migrations are linted in the
order its framework runs them, each against the schema the ones before it built. A file inside a folder
listed under "migrations" in the configuration is linted with its history; any other file on its own.

Options:
  -f, --format <name>     text (default), json, sarif or github
      --pg-version <N>    target PostgreSQL version, e.g. 16 or 14.2 (default 16)
      --framework <id>    the folders' migration framework, instead of detecting it: ${FRAMEWORK_IDS.slice(0, 2).join(', ')},
                          ${FRAMEWORK_IDS.slice(2).join(', ')}
      --base-ref <ref>    git ref whose migrations count as merged (e.g. origin/main): finds edits to
                          merged migrations and new versions that sort before merged ones
  -c, --config <file>     configuration file (default: the nearest safe-migrations.config.json)
      --fail-on <level>   lowest severity that fails: error, warning (default), info or hint
      --exit-zero         exit with 0 even when findings fail (usage and file errors still exit 2)
  -h, --help              show this help

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage or configuration error.
`;

const SEVERITIES = ['error', 'warning', 'info', 'hint'];


interface Target {
  input: MigrationInput;
  config: ResolvedConfig;
  /** The history (absolute folder) the input is linted with: the folder itself, or a configured folder holding the file. */
  history?: string;
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
    skipOptimisingCompilerBelow(inputBytes(targets));
    await parserReady;
  } catch (error) {
    return fail(error);
  }

  let lintResult: { files: FileResult[]; broken: boolean };
  try {
    lintResult = lintTargets(targets);
  } catch (error) {
    return fail(error);
  }
  const { files, broken } = lintResult;

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
  const histories = new Map<string, HistoryFolderLint>();
  let broken = false;
  for (const target of targets) {
    const { input, config } = target;
    const history = target.history === undefined ? undefined : historyOf(target.history, config, histories);
    for (const file of history ? inHistoryOrder(input, history) : input.files) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      const inHistory = history?.findings.get(file.path);
      if (inHistory) {
        files.push({ file: file.display, findings: inHistory, config });
        continue;
      }
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

/** One lint per history folder and configuration, however many of its files were named. */
function historyOf(folder: string, config: ResolvedConfig, done: Map<string, HistoryFolderLint>): HistoryFolderLint {
  const key = `${folder}\u0000${JSON.stringify(config)}`;
  let linted = done.get(key);
  if (!linted) {
    linted = lintHistoryFolder(folder, config, { framework: config.framework, baseRef: config.baseRef });
    done.set(key, linted);
  }
  return linted;
}

/**
 * A folder's files in the framework's order: the up migrations, then files that are no migration of
 * the history (linted on their own, as before histories were known), then the down migrations.
 */
function inHistoryOrder(input: MigrationInput, history: HistoryFolderLint): MigrationInput['files'] {
  if (!input.folder) return input.files;
  const listed = new Map(input.files.map((f) => [f.path, f]));
  const named = (path: string) => listed.get(path) ?? { path, display: displayInFolder(input.given, path) };
  const inHistory = new Set([...history.ups, ...history.downs]);
  return [...history.ups.map(named), ...input.files.filter((f) => !inHistory.has(f.path)), ...history.downs.map(named)];
}

/** How a report names a history file the folder listing did not hold (a layout reading a non-.sql name). */
function displayInFolder(given: string, path: string): string {
  const absolute = isAbsolute(given) ? given : join(process.cwd(), given);
  const shown = join(given, relative(absolute, path));
  return sep === '/' ? shown : shown.split(sep).join('/');
}

function parseLintArgs(args: string[]): LintArgs | 'help' {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string', short: 'f' },
    'pg-version': { type: 'string' },
    config: { type: 'string', short: 'c' },
    'fail-on': { type: 'string' },
    'exit-zero': { type: 'boolean' },
    framework: { type: 'string' },
    'base-ref': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const format = values.format ?? 'text';
  if (!isFormatName(format)) throw new UsageError(`--format must be text, json, sarif or github, not "${format}"`);
  const flags: ProjectConfig = {};
  if (values['pg-version'] !== undefined) flags.postgresVersion = pgVersionFlag(values['pg-version']);
  if (values['fail-on'] !== undefined) {
    if (!SEVERITIES.includes(values['fail-on'])) throw new UsageError(`--fail-on must be error, warning, info or hint, not "${values['fail-on']}"`);
    flags.failOn = values['fail-on'] as Severity;
  }
  if (values.framework !== undefined) {
    if (!isFrameworkId(values.framework)) throw new UsageError(`unknown framework "${values.framework}": --framework must be one of ${FRAMEWORK_IDS.join(', ')}`);
    flags.framework = values.framework;
  }
  if (values['base-ref'] !== undefined) {
    if (values['base-ref'].trim() === '') throw new UsageError('--base-ref must be a git ref such as origin/main');
    flags.baseRef = values['base-ref'];
  }
  return { format, paths: positionals, configPath: values.config, flags, exitZero: values['exit-zero'] === true };
}

/** Each input with the configuration that applies to it: --config, else the nearest file; flags win. */
function collectTargets(args: LintArgs): Target[] {
  const load = configLoader();
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

  return paths.map((path) => {
    const input = resolveInput(path);
    const found = explicit ?? nearest(path);
    const config = resolveConfig(found?.config, args.flags);
    const absolute = isAbsolute(path) ? path : join(process.cwd(), path);
    return { input, config, history: input.folder ? absolute : configuredFolderOf(absolute, found) };
  });
}

/**
 * How much SQL the lint reads. A file linted with the configured history around it counts as
 * unbounded: its history's files are only listed later.
 */
function inputBytes(targets: Target[]): number {
  let total = 0;
  for (const { input, history } of targets) {
    if (history !== undefined && !input.folder) return Infinity;
    for (const file of input.files) {
      try {
        total += statSync(file.path).size;
      } catch {
        // Reported when the file is read.
      }
    }
  }
  return total;
}

/** The configured migrations folder that holds `file`, if any: such a file is linted with its history. */
function configuredFolderOf(file: string, found: LoadedConfig | undefined): string | undefined {
  for (const folder of found?.config.migrations ?? []) {
    const root = join(dirname(found!.path), folder);
    const inside = relative(root, file);
    if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return root;
  }
  return undefined;
}

function useColor(): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (process.env.NO_COLOR) return false;
  return process.stdout.isTTY === true;
}

function fail(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof InputError || error instanceof GitBaseError || error instanceof UnknownFrameworkError) {
    process.stderr.write(`safe-migrations: ${error.message}\n`);
    return 2;
  }
  throw error;
}
