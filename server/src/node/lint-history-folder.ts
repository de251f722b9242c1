/**
 * Lints a folder on disk as one migration history: detects (or takes) its framework, reads it in the
 * framework's order and lints each migration against the schema the migrations before it built. Adds
 * what the engine leaves to its callers: the `unhandled-ddl` note per migration, the invalid-UTF-8
 * finding of files read with replacement characters, and the base git ref's migrations for the
 * history rules.
 */
import { join } from 'node:path';
import {
  compareFindings,
  lintHistory,
  loadHistory,
  ParseCache,
  ruleSeverity,
  RULES_BY_ID,
  unhandledNote,
  type AppliedMigrations,
  type Finding,
  type FrameworkId,
  type MigrationLint,
  type ResolvedConfig,
} from '../engine/index';
import { formatTemplate } from '../engine/rules/define';
import { appliedFromGitRef } from './git-base';
import { locate, type LocatedFinding } from './lint-files';
import { FolderMigrationSource } from './migration-source';
import { readMigration } from './read-migration';

export interface HistoryFolderOptions {
  /** Forces the framework (--framework, `framework` in the configuration); detected otherwise. */
  framework?: FrameworkId;
  /** A git ref whose copy of the folder counts as merged (--base-ref, `baseRef`). */
  baseRef?: string;
}

export interface HistoryFolderLint {
  framework: FrameworkId;
  /** Absolute paths of the up migrations' files, in the order the framework applies them. */
  ups: string[];
  /** Absolute paths of the down (undo, revert) migrations' files. */
  downs: string[];
  /** Findings per absolute path, each file's sorted by position. */
  findings: Map<string, LocatedFinding[]>;
}

/** A folder source that remembers where each file stopped being valid UTF-8 (the engine only sees the text). */
class DecodingFolderSource extends FolderMigrationSource {
  readonly invalidUtf8At = new Map<string, number>();

  override read(path: string): string | undefined {
    try {
      const result = readMigration(join(this.root, path));
      if (result.kind !== 'text') return undefined;
      if (result.invalidUtf8At !== undefined) this.invalidUtf8At.set(path, result.invalidUtf8At);
      return result.text;
    } catch {
      return undefined;
    }
  }
}

/**
 * Lints the history in `folder` (absolute). Throws UnknownFrameworkError for a framework no layout
 * reads and GitBaseError when the base ref cannot be read; the parser must be loaded.
 */
export function lintHistoryFolder(folder: string, config: ResolvedConfig, options: HistoryFolderOptions = {}): HistoryFolderLint {
  const source = new DecodingFolderSource(folder);
  const history = loadHistory(source, options.framework);
  const applied: AppliedMigrations | undefined = options.baseRef ? appliedFromGitRef(folder, options.baseRef, history.framework) : undefined;
  // Every statement is parsed once; the cache only has to hold one history's statements.
  const result = lintHistory(history, source, config, { cache: new ParseCache(500_000), applied, downs: true });

  const byPath = new Map<string, MigrationLint[]>();
  for (const linted of result.migrations) {
    const list = byPath.get(linted.migration.path);
    if (list) list.push(linted);
    else byPath.set(linted.migration.path, [linted]);
  }
  const findings = new Map<string, LocatedFinding[]>();
  for (const [path, linted] of byPath) {
    // A file's text with only the migration's own sections kept: every section's findings are placed in it.
    const all: Finding[] = [];
    for (const one of linted) {
      all.push(...one.result.findings);
      const note = unhandledNote(one, config);
      if (note) all.push(note);
    }
    const invalid = source.invalidUtf8At.get(path);
    const text = linted[0].result.file.text;
    if (invalid !== undefined) {
      const finding = invalidUtf8Finding(invalid, text.length, config);
      if (finding) all.push(finding);
    }
    all.sort(compareFindings);
    findings.set(join(folder, path), locate(text, all));
  }
  const ups = [...new Set(history.migrations.map((m) => join(folder, m.path)))].filter((p) => findings.has(p));
  const upSet = new Set(ups); // dbmate and goose keep both directions in one file
  const downs = [...new Set([...history.downs.values()].map((m) => join(folder, m.path)))].filter((p) => findings.has(p) && !upSet.has(p));
  return { framework: history.framework, ups, downs, findings };
}

/** What lint() reports for a file decoded with replacement characters (the history layer only sees the text). */
function invalidUtf8Finding(at: number, length: number, config: ResolvedConfig): Finding | undefined {
  const rule = RULES_BY_ID.get('unreadable-file');
  if (!rule) throw new Error('unknown built-in rule unreadable-file');
  const severity = ruleSeverity(rule, config);
  if (severity === 'off') return undefined;
  return {
    rule: rule.id,
    severity,
    range: { start: at, end: Math.min(at + 1, length) },
    message: formatTemplate(rule.meta.messages.invalidUtf8, {}),
    help: formatTemplate(rule.meta.help, {}),
    messageId: 'invalidUtf8',
  };
}
