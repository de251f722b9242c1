/**
 * Messages between the caller (CLI or language server) and the PGlite host child process, over
 * Node's IPC channel with structured-clone serialisation.
 */
import type { ContribExtension, PlannedStatement, ReplayFile } from '../plan';
import type { DryRunProgress, HistoryReport } from '../report';
import type { TraceResult } from '../tracer';

export interface TraceRequest {
  type: 'trace';
  id: number;
  steps: PlannedStatement[];
  history: ReplayFile[];
  /** Contrib extensions the history or the migration creates: registered when the instance boots. */
  extensions: ContribExtension[];
  /** Where replayed data directories are cached. */
  cacheDir: string;
}

export interface HostResult {
  trace: TraceResult;
  history: HistoryReport;
  /** The host's resident memory after the request, so that the caller can recycle a grown host. */
  rss: number;
}

/** Sent ahead of a trace request, so that the database boots while the caller prepares the request. */
export interface PrepareRequest {
  type: 'prepare';
  cacheDir: string;
  /** sha256 of each earlier migration's text, in order (the cache keys chain them). */
  historyHashes: string[];
  /** A cheap guess at the contrib extensions needed. */
  extensions: ContribExtension[];
}

export type ToHost = TraceRequest | PrepareRequest | { type: 'shutdown' };

export type FromHost =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: DryRunProgress }
  | { type: 'result'; id: number; result: HostResult }
  | { type: 'error'; id: number; message: string };
