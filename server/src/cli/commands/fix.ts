/**
 * `safe-migrations fix`: applies the findings' autofixes (and, with --suggestions, their single-file
 * suggestions) to migration files. Without --write it only prints what would change, as a unified diff.
 * Exit codes: 0 nothing to fix or every change written, 1 changes shown but not written, 2 usage,
 * configuration or file errors.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import {
  ConfigError,
  lint,
  lintHistory,
  loadHistory,
  loadPostgresParser,
  resolveConfig,
  UnknownFrameworkError,
  type Finding,
  type ProjectConfig,
  type ResolvedConfig,
  type RewritePlan,
} from '../../engine/index';
import { fixUntilStable, type FixSelection } from '../../engine/fixes/apply-fixes';
import { findConfigFile, type LoadedConfig } from '../../node/config-file';
import { describeFsError, InputError, resolveInput, type InputFile } from '../../node/inputs';
import { FolderMigrationSource } from '../../node/migration-source';
import { MAX_MIGRATION_BYTES } from '../../node/read-migration';
import { unifiedDiff } from '../unified-diff';
import { applyPlan, firstPlan, PlannedFolder } from '../plan-files';
import { configLoader, parseCommandArgs, pgVersionFlag, UsageError } from '../usage';

export const USAGE = `Usage: safe-migrations fix [options] <file-or-folder>...

Applies the fixes of the findings to migration files. By default prints the changes as a unified diff
and changes nothing; --write applies them. Only autofixes are applied (changes that keep what the
migration does to the data, such as CREATE INDEX CONCURRENTLY or NOT VALID); --suggestions also applies
each finding's first suggestion that edits the file itself, and, for a file of a migration history,
the safe multi-step rewrites: the risky statement moves to new migrations named and marked the way the
history's framework expects (e.g. Flyway's V<n>__name.sql with a .sql.conf for executeInTransaction),
with the deploys that must happen between them listed on stderr. New files are shown as diffs from
/dev/null. A folder is one migration history: its files are fixed against the schema the migrations
before them build.

Options:
      --write             write the fixed files instead of printing the diff
      --suggestions       also apply suggestions and multi-step rewrites (review them: they may
                          change behaviour, and rewrites add migration files)
      --pg-version <N>    target PostgreSQL version, e.g. 16 or 14.2 (default 16)
  -c, --config <file>     configuration file (default: the nearest safe-migrations.config.json)
  -h, --help              show this help

Exit codes: 0 nothing to fix or all changes written, 1 changes shown but not written (for CI),
2 usage, configuration or file error.
`;

/** Fix, re-lint, fix again: enough for fixes that only become possible after another was applied. */
const MAX_PASSES = 10;


/** A file the history lints in sections: its fixes' offsets do not point into the file's own text. */
class SectionsError extends Error {}

interface FixArgs {
  paths: string[];
  configPath?: string;
  flags: ProjectConfig;
  write: boolean;
  selection: FixSelection;
}

interface FixTarget {
  file: InputFile;
  config: ResolvedConfig;
  /** The history folder (absolute) the file belongs to, when it belongs to one. */
  history?: string;
}

export async function run(args: string[]): Promise<number> {
  let parsed: FixArgs | 'help';
  let targets: FixTarget[];
  try {
    parsed = parseFixArgs(args);
    if (parsed === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    targets = collectTargets(parsed);
    await loadPostgresParser();
  } catch (error) {
    return fail(error);
  }
  let pending = false;
  let broken = false;
  const planned = new Map<string, PlannedFolder>();
  for (const target of targets) {
    try {
      const outcome = fixFile(target, parsed, planned);
      if (outcome === 'changed') pending = !parsed.write || pending;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code ? describeFsError(error) : `internal error: ${(error as Error).stack ?? String(error)}`;
      process.stderr.write(`safe-migrations: cannot fix ${target.file.display}: ${why}\n`);
      broken = true;
    }
  }
  if (broken) return 2;
  return pending ? 1 : 0;
}

function fixFile(target: FixTarget, args: FixArgs, planned: Map<string, PlannedFolder>): 'changed' | 'unchanged' {
  const { file, config } = target;
  const bytes = readFileSync(file.path);
  if (bytes.length > MAX_MIGRATION_BYTES) {
    process.stderr.write(`safe-migrations: ${file.display}: too large to be a migration, not fixed\n`);
    return 'unchanged';
  }
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Writing back text decoded with replacement characters would destroy the invalid bytes.
    process.stderr.write(`safe-migrations: ${file.display}: not valid UTF-8, not fixed\n`);
    return 'unchanged';
  }
  const bom = decoded.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  const original = decoded.slice(bom.length);
  const lintText = target.history ? historyLinter(target.history, file.path, config) : (text: string) => lint(text, { config }).findings;
  const rewrite = args.selection.suggestions && target.history ? planRewrites(target.history, file.path, original, target.config, planned) : undefined;
  let text: string;
  try {
    ({ text } = fixUntilStable(rewrite?.text ?? original, lintText, args.selection, MAX_PASSES));
  } catch (error) {
    if (!(error instanceof SectionsError)) throw error;
    process.stderr.write(`safe-migrations: ${file.display}: holds several sections of its history (up and down), not fixed\n`);
    return 'unchanged';
  }
  if (text === original && !rewrite) return 'unchanged';
  const others = rewrite ? otherFiles(rewrite.folder, rewrite.path) : [];
  if (args.write) {
    // New migrations first: a failure to create one leaves the original statement where it was.
    for (const other of others) {
      mkdirSync(dirname(other.absolute), { recursive: true });
      writeFileSync(other.absolute, other.text, other.created ? { flag: 'wx' } : undefined);
      process.stdout.write(`${other.created ? 'created' : 'fixed'} ${other.display}\n`);
    }
    if (text !== original) writeFileSync(file.path, bom + text);
    process.stdout.write(`fixed ${file.display}\n`);
  } else {
    if (text !== original) process.stdout.write(unifiedDiff(file.display, original, text));
    for (const other of others) {
      const diff = unifiedDiff(other.display, other.created ? '' : (other.before ?? ''), other.text);
      // git apply creates a file from a diff against /dev/null.
      process.stdout.write(other.created ? diff.replace(/^--- .*\n/, '--- /dev/null\n') : diff);
    }
  }
  return 'changed';
}

interface PlannedRewrite {
  folder: PlannedFolder;
  /** The file's path relative to the history folder. */
  path: string;
  /** The file's text after the plans' edits. */
  text: string;
}

/**
 * Applies the multi-step rewrites of the file's findings, one at a time (each plan is made against
 * the history the previous one left), and says on stderr what each one means for deploys.
 */
function planRewrites(folder: string, absolute: string, original: string, config: ResolvedConfig, planned: Map<string, PlannedFolder>): PlannedRewrite | undefined {
  let overlay = planned.get(folder);
  if (!overlay) {
    overlay = new PlannedFolder(folder);
    planned.set(folder, overlay);
  }
  const path = relative(folder, absolute).split(sep).join('/');
  // The history reads the file through its own decoder; plans are only safe on the same text.
  if (overlay.read(path) !== original) return undefined;
  const now = new Date();
  let applied = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const plan = firstPlan(overlay, path, config, now);
    if (!plan) break;
    applyPlan(overlay, path, plan);
    applied++;
    process.stderr.write(describePlan(plan, folder));
  }
  if (applied === 0) return undefined;
  return { folder: overlay, path, text: overlay.read(path) ?? original };
}

function describePlan(plan: RewritePlan, folder: string): string {
  const shown = (path: string) => relative(process.cwd(), join(folder, path)).split(sep).join('/');
  const lines = [`safe-migrations: ${plan.rule}: ${plan.title}`];
  plan.phases.forEach((phase, i) => {
    if (phase.deployBefore) lines.push(`  deploy first: ${phase.deployBefore}`);
    lines.push(`  ${i + 1}. ${phase.name} (${shown(phase.path)}): ${phase.summary} Lock: ${phase.lock}`);
  });
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}

interface OtherFile {
  absolute: string;
  display: string;
  text: string;
  created: boolean;
  before?: string;
}

/** Files the plans created or changed besides the one being fixed (written once, then forgotten). */
function otherFiles(overlay: PlannedFolder, current: string): OtherFile[] {
  const out: OtherFile[] = [];
  const disk = new PlannedFolder(overlay.folder);
  for (const [path, text] of overlay.changed) {
    if (path === current || overlay.emitted.has(path)) continue;
    overlay.emitted.add(path);
    const absolute = join(overlay.folder, path);
    const created = overlay.created.has(path);
    out.push({ absolute, display: relative(process.cwd(), absolute).split(sep).join('/'), text, created, before: created ? undefined : disk.read(path) });
  }
  return out;
}

/**
 * Lints one file of a history with its text replaced, so that each pass sees the schema the earlier
 * migrations build. Throws SectionsError for a file whose findings are not placed in its own text (a
 * file holding up and down sections is linted section by section).
 */
function historyLinter(folder: string, path: string, config: ResolvedConfig): (text: string) => readonly Finding[] {
  const relativePath = relative(folder, path).split(sep).join('/');
  const lintWith = (text: string): { findings: Finding[]; ownText: boolean } | undefined => {
    const source = new (class extends FolderMigrationSource {
      override read(p: string): string | undefined {
        return p === relativePath ? text : super.read(p);
      }
    })(folder);
    const history = loadHistory(source, config.framework);
    const mine = lintHistory(history, source, config, { downs: true }).migrations.filter((m) => m.migration.path === relativePath);
    if (mine.length === 0) return undefined;
    return { findings: mine.flatMap((m) => m.result.findings), ownText: mine.length === 1 && mine[0].result.file.text === text };
  };
  return (text: string) => {
    const linted = lintWith(text);
    if (!linted) return lint(text, { config }).findings; // not a migration of the history: on its own, as `lint` does
    if (!linted.ownText) throw new SectionsError();
    return linted.findings;
  };
}

function parseFixArgs(args: string[]): FixArgs | 'help' {
  const { values, positionals } = parseCommandArgs(args, {
    write: { type: 'boolean' },
    suggestions: { type: 'boolean' },
    'pg-version': { type: 'string' },
    config: { type: 'string', short: 'c' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('no files or folders given; see safe-migrations fix --help');
  const flags: ProjectConfig = {};
  if (values['pg-version'] !== undefined) flags.postgresVersion = pgVersionFlag(values['pg-version']);
  return { paths: positionals, configPath: values.config, flags, write: values.write === true, selection: { suggestions: values.suggestions === true } };
}

/** Every file once, with the configuration that applies to it (--config, else the nearest file; flags win). */
function collectTargets(args: FixArgs): FixTarget[] {
  const load = configLoader();
  const explicit = args.configPath === undefined ? undefined : load(args.configPath);
  const targets: FixTarget[] = [];
  const seen = new Set<string>();
  for (const path of args.paths) {
    const input = resolveInput(path);
    const foundPath = explicit ? undefined : findConfigFile(path);
    const found = explicit ?? (foundPath ? load(foundPath) : undefined);
    const config = resolveConfig(found?.config, args.flags);
    const absolute = isAbsolute(path) ? path : join(process.cwd(), path);
    const history = input.folder ? absolute : configuredFolderOf(absolute, found);
    for (const file of input.files) {
      if (seen.has(file.path)) continue;
      seen.add(file.path);
      targets.push({ file, config, history });
    }
  }
  return targets;
}

/** The configured migrations folder that holds `file`, if any. */
function configuredFolderOf(file: string, found: LoadedConfig | undefined): string | undefined {
  if (!found) return undefined;
  for (const folder of found.config.migrations ?? []) {
    const root = join(dirname(found.path), folder);
    const inside = relative(root, file);
    if (inside && !inside.startsWith('..') && !isAbsolute(inside)) return root;
  }
  return undefined;
}

function fail(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof InputError || error instanceof UnknownFrameworkError) {
    process.stderr.write(`safe-migrations: ${error.message}\n`);
    return 2;
  }
  throw error;
}
