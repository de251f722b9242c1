/**
 * The work of the PGlite host process: keep one embedded database with the history replayed (reused
 * while the history only grows and its extensions suffice), trace a migration in it, trace the
 * statements that cannot run in a transaction on a throw-away copy, and cache replayed states on disk.
 */
import { existsSync, readFileSync, utimesSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { ContribExtension, PlannedStatement } from '../plan';
import type { DryRunProgress, HistoryProblem, HistoryReport } from '../report';
import { traceMigration, elapsed, type OutsideResult } from '../tracer';
import { CatalogState } from '../catalog-state';
import { SNAPSHOT_SQL, type Snapshot } from '../trace-sql';
import { cachedFailures, cachedPath, chainKeys, emptyDataDir, longestCachedPrefix, saveCached } from './datadir';
import { pgliteExtensions } from './extensions';
import type { HostResult, PrepareRequest, TraceRequest } from './protocol';
import { replayHistory } from './replay';
import { pgliteSession } from './session';

interface Instance {
  pg: PGlite;
  extensions: Set<ContribExtension>;
  /** Chain keys of the history replayed into it (keys[0] = the empty data directory). */
  keys: string[];
  /** Its current state is in the disk cache. */
  saved: boolean;
  cacheDir: string;
  /** History statements that failed when they were replayed into it. */
  failed: HistoryProblem[];
}

export class PgliteRunner {
  private current: Instance | undefined;
  private base: Uint8Array | undefined;

  async trace(req: TraceRequest, progress: (p: DryRunProgress) => void): Promise<HostResult> {
    try {
      return await this.traceIn(req, progress);
    } catch (error) {
      // The instance may be broken (a WASM abort, a failed boot): the next request starts afresh.
      const broken = this.current;
      this.current = undefined;
      await broken?.pg.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Boots the database a coming request will most likely need (from the best cached state), while the
   * caller is still splitting the history into statements. A wrong guess costs nothing but the boot:
   * the request itself checks the instance again.
   */
  async prepare(req: PrepareRequest): Promise<void> {
    try {
      this.base ??= await emptyDataDir();
      await this.instanceFor(req.cacheDir, chainKeys(this.base, req.historyHashes), new Set(req.extensions));
    } catch {
      // The request that follows boots again and reports what goes wrong.
      this.current = undefined;
    }
  }

  private async traceIn(req: TraceRequest, progress: (p: DryRunProgress) => void): Promise<HostResult> {
    const started = performance.now();
    progress({ phase: 'starting', message: 'starting the embedded database' });
    this.base ??= await emptyDataDir();
    const keys = chainKeys(this.base, req.history.map((f) => f.hash));
    const needed = new Set<ContribExtension>(req.extensions);
    const { instance, from } = await this.instanceFor(req.cacheDir, keys, needed);
    const toReplay = req.history.slice(from);
    if (toReplay.length) progress({ phase: 'replaying', message: `replaying ${toReplay.length} earlier migrations`, done: 0, total: toReplay.length });
    const replayed = await replayHistory(instance.pg, toReplay, (done) =>
      progress({ phase: 'replaying', message: `replaying earlier migrations`, done, total: toReplay.length }),
    );
    instance.keys = keys;
    instance.failed.push(...replayed.failed);
    if (toReplay.length) instance.saved = false;
    const history: HistoryReport = {
      files: req.history.length,
      statements: req.history.reduce((n, f) => n + f.statements.length, 0),
      cached: toReplay.length === 0,
      failed: [...req.history.flatMap((f) => f.skipped), ...instance.failed],
      durationMs: elapsed(started),
    };

    // The copy boots from the replayed state, dumped now: never while the traced transaction is open.
    const copyBytes = req.steps.some((s) => s.nonTransactional) ? await this.stateBytes(instance) : undefined;
    const copy = new ThrowawayCopy(copyBytes, instance.extensions, req.steps);
    try {
      progress({ phase: 'tracing', message: 'tracing the migration', done: 0, total: req.steps.length });
      const trace = await traceMigration(pgliteSession(instance.pg), req.steps, {
        cancelled: () => false, // a cancel stops the whole host process
        run: (step) => pgliteSession(instance.pg).execute(step.sql),
        outsideTransaction: (step) => copy.trace(step),
        applyEquivalents: true,
        onStatement: (statement, done, total) =>
          progress({ phase: 'tracing', message: `traced line ${statement.line}`, done, total, statement }),
      });
      return { trace, history, rss: process.memoryUsage().rss };
    } finally {
      await copy.close();
    }
  }

  /** After the reply: put a newly replayed state in the cache for the next process. */
  async saveState(): Promise<void> {
    const instance = this.current;
    if (!instance || instance.saved) return;
    await this.stateBytes(instance);
  }

  private async stateBytes(instance: Instance): Promise<Uint8Array> {
    const key = instance.keys[instance.keys.length - 1];
    if (instance.saved && instance.keys.length > 1 && existsSync(cachedPath(instance.cacheDir, key))) {
      return readFileSync(cachedPath(instance.cacheDir, key));
    }
    if (instance.keys.length === 1) return this.base!;
    const bytes = new Uint8Array(await (await instance.pg.dumpDataDir('gzip')).arrayBuffer());
    saveCached(instance.cacheDir, key, bytes, instance.failed);
    instance.saved = true;
    return bytes;
  }

  /** Reuse the live instance when the requested history extends its own; else boot from the best cached state. */
  private async instanceFor(cacheDir: string, keys: string[], needed: Set<ContribExtension>): Promise<{ instance: Instance; from: number }> {
    const live = this.current;
    if (live && live.cacheDir === cacheDir && [...needed].every((e) => live.extensions.has(e))) {
      const n = live.keys.length - 1;
      if (n < keys.length && keys[n] === live.keys[n]) return { instance: live, from: n };
    }
    if (live) {
      this.current = undefined;
      await live.pg.close().catch(() => undefined);
    }
    const from = longestCachedPrefix(cacheDir, keys);
    let bytes = this.base!;
    if (from > 0) {
      const path = cachedPath(cacheDir, keys[from]);
      bytes = readFileSync(path);
      const now = new Date();
      utimesSync(path, now, now); // most recently used: evicted last
    }
    // Register every extension the live instance had too, so that switching back needs no reboot.
    const extensions = new Set<ContribExtension>([...needed, ...(live?.extensions ?? [])]);
    const pg = await PGlite.create({ loadDataDir: new Blob([bytes]), extensions: pgliteExtensions(extensions) });
    const failed = from > 0 ? cachedFailures(cacheDir, keys[from]) : [];
    const instance: Instance = { pg, extensions, keys: keys.slice(0, from + 1), saved: true, cacheDir, failed };
    this.current = instance;
    return { instance, from };
  }
}

/**
 * A second embedded database, booted from the replayed history and brought up to the statement
 * before, for statements that cannot run in a transaction. Each runs there for real (autocommit);
 * its rewrites are read from the relfilenodes before and after.
 */
class ThrowawayCopy {
  private pg: PGlite | undefined;
  private applied = 0;

  constructor(
    private readonly stateBytes: Uint8Array | undefined,
    private readonly extensions: Set<ContribExtension>,
    private readonly steps: PlannedStatement[],
  ) {}

  async trace(step: PlannedStatement): Promise<OutsideResult> {
    this.pg ??= await PGlite.create({ loadDataDir: new Blob([this.stateBytes!]), extensions: pgliteExtensions(this.extensions) });
    const session = pgliteSession(this.pg);
    for (; this.applied < step.index; this.applied++) await session.execute(this.steps[this.applied].sql);
    const before = await session.json<Snapshot>(SNAPSHOT_SQL);
    const started = performance.now();
    const outcome = await session.execute(step.sql);
    const durationMs = elapsed(started);
    this.applied = step.index + 1;
    const note = "cannot run in a transaction: run on a throw-away copy of the embedded database; locks from PostgreSQL's documentation";
    if (!outcome.ok) return { tracedOn: 'pglite-copy', durationMs, error: outcome.message, errorCode: outcome.code, note };
    const after = await session.json<Snapshot>(SNAPSHOT_SQL);
    const effects = new CatalogState(before).apply({ xid: after.xid, locks: [], relations: after.relations, stats: [] }, step.kind);
    return { tracedOn: 'pglite-copy', durationMs, rows: outcome.rows, rewrites: effects.rewrites, indexRebuilds: effects.indexRebuilds, note };
  }

  async close(): Promise<void> {
    await this.pg?.close().catch(() => undefined);
    this.pg = undefined;
  }
}
