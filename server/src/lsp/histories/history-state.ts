/**
 * One migration history of the workspace as the language server keeps it: the folder on disk, the
 * editor buffers that override its files, and the incremental HistoryIndex linted with one
 * configuration. Its ParseCache is never swept: it holds the statements of every file of the history,
 * so an edit re-parses only the statements it touched.
 */
import {
  compareFindings,
  HistoryIndex,
  loadHistory,
  ParseCache,
  parseFile,
  unhandledNote,
  type Finding,
  type History,
  type MigrationLint,
  type MigrationSource,
  type ParsedFile,
  type ResolvedConfig,
  type SchemaModel,
} from '../../engine/index';
import { appliedFromGitRef } from '../../node/git-base';
import { FolderMigrationSource } from '../../node/migration-source';

/** Room for the statements of a large history (lemmy's 2,000 migrations hold about 20,000). */
const CACHE_CAPACITY = 400_000;

export interface HistoryFileLint {
  findings: Finding[];
  /** The file parsed whole (every section), for hovers. */
  parsed: ParsedFile;
  /** Paths (relative to the root) of other migrations whose findings changed. */
  affected: string[];
}

export interface PlanInputs {
  history: History;
  /** The history's files with the editor buffers laid over them. */
  source: MigrationSource;
  /** The up migration(s) of the file with their findings (several for Liquibase changesets). */
  migrations: MigrationLint[];
  /** The configuration the history is linted with. */
  config?: ResolvedConfig;
  /** The schema before the file, when the file is one migration. */
  schema?: SchemaModel;
}

export class HistoryState {
  readonly source: FolderMigrationSource;
  readonly cache = new ParseCache(CACHE_CAPACITY);
  /** Editor buffers by path relative to the root: they win over the files on disk. */
  private readonly buffers = new Map<string, string>();
  /** What the index is linting each buffered file with (the buffer, or the disk text it matched). */
  private readonly overlay: MigrationSource;
  private index: HistoryIndex | undefined;
  private configKey: string | undefined;
  private config: ResolvedConfig | undefined;

  constructor(
    readonly root: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.source = new FolderMigrationSource(root);
    this.overlay = { list: () => this.source.list(), read: (path) => this.buffers.get(path) ?? this.source.read(path) };
  }

  get indexed(): boolean {
    return this.index !== undefined;
  }

  /** Lints the whole history with `config` (again, when the configuration changed). Returns the migration count. */
  build(config: ResolvedConfig): number {
    const history = loadHistory(this.overlay, config.framework);
    let applied;
    if (config.baseRef) {
      // Read once per configuration: what is merged on the base ref changes with a fetch, not with edits.
      try {
        applied = appliedFromGitRef(this.root, config.baseRef, history.framework);
      } catch (error) {
        this.log(`${(error as Error).message}: the history in ${this.root} is linted without it.`);
      }
    }
    this.index = new HistoryIndex(history, this.overlay, config, { cache: this.cache, applied });
    this.configKey = JSON.stringify(config);
    this.config = config;
    return history.migrations.length;
  }

  /**
   * The findings of the up migration(s) at `path` with the buffer's text, re-linting what the edit
   * affects; undefined when the file is no up migration of the history (a down file, a stray .sql).
   */
  lint(path: string, text: string, config: ResolvedConfig): HistoryFileLint | undefined {
    if (!this.index || this.configKey !== JSON.stringify(config)) this.build(config);
    const index = this.index!;
    let affected: string[] = [];
    const before = this.buffers.has(path) ? this.buffers.get(path) : this.source.read(path);
    this.buffers.set(path, text);
    if (before !== text) affected = index.update(path, text).filter((p) => p !== path);
    const mine = index.results().filter((m) => m.migration.path === path);
    if (mine.length === 0) return undefined;
    return { findings: findingsOf(mine, config), parsed: wholeFile(mine, text, this.cache), affected };
  }

  /** The editor closed the file: its text on disk applies again. Returns the paths re-linted. */
  closed(path: string): string[] {
    if (!this.buffers.has(path)) return [];
    const buffer = this.buffers.get(path);
    this.buffers.delete(path);
    if (!this.index || buffer === this.source.read(path)) return [];
    return this.index.update(path);
  }

  /**
   * Files changed on disk (created, changed, deleted; `structural` when the set of files changed).
   * Files open in the editor keep their buffers. Returns the paths re-linted.
   */
  filesChanged(changed: string[], structural: boolean, config: ResolvedConfig | undefined): string[] {
    this.source.refresh();
    if (!this.index) return [];
    const relinted = new Set<string>();
    for (const path of changed) if (!this.buffers.has(path)) for (const p of this.index.update(path)) relinted.add(p);
    if (structural) for (const p of this.index.setHistory(loadHistory(this.overlay, config?.framework))) relinted.add(p);
    return [...relinted];
  }

  /** A fresh copy of the schema before the migration at `path` (undefined when it is none of the history's). */
  schemaBefore(path: string): SchemaModel | undefined {
    return this.index?.schemaBefore(path);
  }

  /** What a rewrite plan for the file at `path` needs: the history, its migrations' lints and the buffered source. */
  planInputs(path: string): PlanInputs | undefined {
    if (!this.index) return undefined;
    const migrations = this.index.results().filter((m) => m.migration.path === path);
    if (migrations.length === 0) return undefined;
    return { history: this.index.getHistory(), source: this.overlay, migrations, config: this.config, schema: migrations.length === 1 ? this.index.schemaBefore(path) : undefined };
  }

  /** The version of the migration at `path`, for the objects a hovered file changes. */
  versionOf(path: string): string | undefined {
    return this.index?.getHistory().migrations.find((m) => m.path === path)?.version;
  }

  isBuffered(path: string): boolean {
    return this.buffers.has(path);
  }
}

/** The findings of a file's migrations (several for Liquibase changesets), with one unhandled-ddl note each. */
function findingsOf(migrations: MigrationLint[], config: ResolvedConfig): Finding[] {
  const findings: Finding[] = [];
  for (const m of migrations) {
    findings.push(...m.result.findings);
    const note = unhandledNote(m, config);
    if (note) findings.push(note);
  }
  if (migrations.length > 1 || findings.some((f) => f.rule === 'unhandled-ddl')) {
    findings.sort(compareFindings);
  }
  return findings;
}

/** The parsed file: the migration's own parse when it is the whole file, else the whole text (parses cached). */
function wholeFile(migrations: MigrationLint[], text: string, cache: ParseCache): ParsedFile {
  const first = migrations[0].result.file;
  if (migrations.length === 1 && first.text === text) return first;
  return parseFile(text, cache);
}
