/**
 * The migration histories of the workspace, for the language server: found once after initialize (and
 * again when configuration files or new migration folders appear), indexed with progress, kept up to
 * date with editor buffers and with changes on disk.
 *
 * Diagnostics are published for open documents only. After an edit, the open migrations whose
 * findings the edit changed are linted (from the index) and published again; closed files are not:
 * a history of hundreds of files would fill the Problems panel with findings about migrations long
 * merged, which `safe-migrations lint <folder>` reports in CI instead.
 */
import { dirname, relative, sep } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CONFIG_FILE_NAME, resolveConfig, type ResolvedConfig, type SchemaModel } from '../../engine/index';
import { discoverHistories, isInside, type DiscoveryLimits } from './discovery';
import { HistoryState, type HistoryFileLint, type PlanInputs } from './history-state';

export interface IndexingProgress {
  begin(title: string, percentage?: number, message?: string): void;
  report(percentage: number, message: string): void;
  done(): void;
}

export interface HistoriesHost {
  /** The configuration a history is first indexed with (its documents' own configuration wins later). */
  configFor(folderUri: string): Promise<ResolvedConfig>;
  /** URIs of the documents open in the editor. */
  openUris(): string[];
  /** Lint these open documents again: their history changed under them. */
  republish(uris: string[]): void;
  progress(): Promise<IndexingProgress>;
  log(message: string): void;
  limits?: DiscoveryLimits;
}

/** File events as LSP sends them: 1 created, 2 changed, 3 deleted. */
export interface FileChange {
  uri: string;
  type: 1 | 2 | 3;
}

/** Files that give a history its shape besides .sql files (Flyway .conf, diesel metadata, plans). */
const MARKER = /(\.sql\.conf|[\\/](sqitch\.plan|atlas\.sum|metadata\.toml|migration_lock\.toml))$/;

export class WorkspaceHistories {
  private workspace: string[] = [];
  private readonly histories = new Map<string, HistoryState>();
  /** Configuration by history root, from the last lint or indexing (for changes on disk). */
  private readonly configs = new Map<string, ResolvedConfig>();
  /** Settles when the current discovery and indexing finish; undefined when nothing is running. */
  private indexing: Promise<void> | undefined;
  private rediscoverTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Documents waiting for their history to be indexed. */
  private waiters: { path: string; resolve: () => void }[] = [];
  /** Roots found by the running discovery and not indexed yet. */
  private pending: string[] | undefined;

  constructor(private readonly host: HistoriesHost) {}

  /** Finds and indexes the histories of these workspace folders (file system paths). */
  start(workspaceFolders: string[]): Promise<void> {
    this.workspace = workspaceFolders;
    return this.reindex();
  }

  /** Waits for indexing when `uri` may belong to a history still being indexed, so it is not linted alone first. */
  ready(uri: string): Promise<void> | undefined {
    if (!this.indexing) return undefined;
    const path = toPath(uri);
    if (!path || !this.workspace.some((w) => isInside(path, w)) || this.stateOf(path)) return undefined;
    if (this.pending && !this.pending.some((root) => isInside(path, root))) return undefined;
    return new Promise((resolve) => this.waiters.push({ path, resolve }));
  }

  /** Lints an open document as part of its history; undefined when it is in none (lint it on its own). */
  lint(uri: string, text: string, config: ResolvedConfig): (HistoryFileLint & { affectedUris: string[] }) | undefined {
    const hit = this.locate(uri);
    if (!hit || !hit.state.indexed) return undefined;
    this.configs.set(hit.state.root, config);
    const result = hit.state.lint(hit.path, text, config);
    if (!result) return undefined;
    return { ...result, affectedUris: this.openUrisOf(hit.state, result.affected) };
  }

  /** The editor closed a document: its history goes back to the text on disk, and open files it affects are linted again. */
  closed(uri: string): void {
    const hit = this.locate(uri);
    if (!hit) return;
    const affected = hit.state.closed(hit.path).filter((p) => p !== hit.path);
    this.republish(hit.state, affected);
  }

  /** The schema before the migration at `uri`, and where its history lies (for hovers). */
  schemaBefore(uri: string): { schema: SchemaModel; root: string; path: string; version?: string } | undefined {
    const hit = this.locate(uri);
    const schema = hit?.state.schemaBefore(hit.path);
    return hit && schema ? { schema, root: hit.state.root, path: hit.path, version: hit.state.versionOf(hit.path) } : undefined;
  }

  /** What a rewrite plan for the file at `uri` needs, with the history's root; undefined outside indexed histories. */
  planInputs(uri: string): (PlanInputs & { root: string; path: string }) | undefined {
    const hit = this.locate(uri);
    const inputs = hit?.state.planInputs(hit.path);
    return hit && inputs ? { ...inputs, root: hit.state.root, path: hit.path } : undefined;
  }

  /** workspace/didChangeWatchedFiles: migrations added, removed or changed on disk, configuration files changed. */
  filesChanged(changes: FileChange[]): void {
    const byRoot = new Map<HistoryState, { paths: string[]; structural: boolean }>();
    let rediscover = false;
    for (const change of changes) {
      const path = toPath(change.uri);
      if (!path) continue;
      if (path.endsWith(`${sep}${CONFIG_FILE_NAME}`)) {
        rediscover = true;
        continue;
      }
      const state = this.stateOf(path);
      if (!state) {
        // A new .sql file outside every known history may start one.
        if (change.type !== 2 && path.toLowerCase().endsWith('.sql') && this.workspace.some((w) => isInside(path, w))) rediscover = true;
        continue;
      }
      let entry = byRoot.get(state);
      if (!entry) byRoot.set(state, (entry = { paths: [], structural: false }));
      entry.paths.push(toSlashes(relative(state.root, path)));
      if (change.type !== 2 || MARKER.test(path)) entry.structural = true;
    }
    for (const [state, { paths, structural }] of byRoot) {
      try {
        this.republish(state, state.filesChanged(paths, structural, this.configs.get(state.root)));
      } catch (error) {
        this.host.log(`Could not update the migration history in ${state.root}: ${(error as Error).stack ?? error}`);
      }
    }
    if (rediscover) this.scheduleRediscovery();
  }

  dispose(): void {
    this.disposed = true;
    if (this.rediscoverTimer) clearTimeout(this.rediscoverTimer);
  }

  /** Histories found and indexed (absolute roots), for logs and tests. */
  roots(): string[] {
    return [...this.histories.keys()];
  }

  private scheduleRediscovery(): void {
    if (this.rediscoverTimer) clearTimeout(this.rediscoverTimer);
    // A checkout or a generator creates many files at once: look once they have settled.
    this.rediscoverTimer = setTimeout(() => {
      this.rediscoverTimer = undefined;
      void this.reindex();
    }, 300);
  }

  /** Discovers the histories, keeps the ones already indexed, indexes new ones and forgets removed ones. */
  private reindex(): Promise<void> {
    const previous = this.indexing ?? Promise.resolve();
    const run = previous.then(() => this.discoverAndIndex());
    const tracked = run.finally(() => {
      if (this.indexing === tracked) this.indexing = undefined;
    });
    this.indexing = tracked;
    return tracked;
  }

  private async discoverAndIndex(): Promise<void> {
    if (this.disposed || this.workspace.length === 0) return;
    const progress = await this.host.progress();
    progress.begin('Indexing migrations…', 0, 'Looking for migration folders');
    try {
      const started = performance.now();
      const found = discoverHistories(this.workspace, this.host.limits);
      for (const problem of found.problems) this.host.log(problem);
      if (found.truncated) this.host.log('Stopped looking for migration folders after the first 50,000 files; list them under "migrations" in safe-migrations.config.json to index the others.');
      this.pending = found.folders.filter((root) => !this.histories.has(root));
      // Documents in no history found need not wait for the others to be indexed.
      this.wake((path) => !this.pending!.some((root) => isInside(path, root)));
      const wanted = new Set(found.folders);
      for (const root of [...this.histories.keys()]) {
        if (wanted.has(root)) continue;
        const gone = this.histories.get(root)!;
        this.histories.delete(root);
        this.republish(gone, undefined); // its open files are linted on their own again
      }
      // Histories with open documents first: those are the ones someone is waiting for.
      const open = this.openUriPaths();
      const fresh = found.folders.filter((root) => !this.histories.has(root));
      fresh.sort((a, b) => Number(open.some((p) => isInside(p, b))) - Number(open.some((p) => isInside(p, a))));
      let migrations = 0;
      for (let i = 0; i < fresh.length; i++) {
        if (this.disposed) return;
        const root = fresh[i];
        progress.report(Math.round((i / fresh.length) * 100), `${i + 1} of ${fresh.length}: ${this.label(root)}`);
        await nextTurn(); // let edits and requests in between two histories
        migrations += await this.indexOne(root);
      }
      const ms = Math.round(performance.now() - started);
      if (fresh.length > 0) this.host.log(`Indexed ${fresh.length} migration histor${fresh.length === 1 ? 'y' : 'ies'} (${migrations} migrations) in ${ms} ms: ${fresh.map((r) => this.label(r)).join(', ')}`);
    } finally {
      this.pending = undefined;
      this.wake(() => true);
      progress.done();
    }
  }

  /** Builds the index of one history; its open documents are linted again with it. Returns its migration count. */
  private async indexOne(root: string): Promise<number> {
    let config: ResolvedConfig;
    try {
      config = await this.host.configFor(toUri(root));
    } catch (error) {
      this.host.log(`Could not read the configuration for ${root}; indexing it with the defaults: ${(error as Error).message}`);
      config = resolveConfig();
    }
    this.configs.set(root, config);
    const state = new HistoryState(root, this.host.log);
    let count: number;
    try {
      count = state.build(config);
    } catch (error) {
      this.host.log(`Could not index the migration history in ${root}: ${(error as Error).stack ?? error}`);
      return 0;
    }
    this.histories.set(root, state);
    this.wake((path) => isInside(path, root));
    this.republish(state, undefined);
    return count;
  }

  /** Lets documents waiting in ready() go on. */
  private wake(which: (path: string) => boolean): void {
    this.waiters = this.waiters.filter((w) => {
      if (!which(w.path)) return true;
      w.resolve();
      return false;
    });
  }

  private label(root: string): string {
    const workspace = this.workspace.find((w) => root === w || isInside(root, w));
    return workspace ? toSlashes(relative(dirname(workspace), root)) : root;
  }

  private locate(uri: string): { state: HistoryState; path: string } | undefined {
    const file = toPath(uri);
    const state = file && this.stateOf(file);
    return state ? { state, path: toSlashes(relative(state.root, file)) } : undefined;
  }

  private stateOf(path: string): HistoryState | undefined {
    for (const [root, state] of this.histories) if (isInside(path, root)) return state;
    return undefined;
  }

  private openUriPaths(): string[] {
    return this.host.openUris().flatMap((u) => toPath(u) ?? []);
  }

  /** The open documents among `paths` of the history (every open document of it when undefined). */
  private openUrisOf(state: HistoryState, paths: string[] | undefined): string[] {
    const wanted = paths && new Set(paths);
    return this.host.openUris().filter((uri) => {
      const path = toPath(uri);
      if (!path || !isInside(path, state.root)) return false;
      return !wanted || wanted.has(toSlashes(relative(state.root, path)));
    });
  }

  private republish(state: HistoryState, paths: string[] | undefined): void {
    const uris = this.openUrisOf(state, paths);
    if (uris.length > 0) this.host.republish(uris);
  }
}

function toPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function toUri(path: string): string {
  return pathToFileURL(path).href;
}

function toSlashes(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
