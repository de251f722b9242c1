/**
 * The dry run's public API, for the CLI and the language server:
 *
 *   const report = await dryRun({ file, text, history, signal, onProgress });            // embedded
 *   const report = await dryRun({ engine: 'postgres', url, file, text, signal });        // a server
 *
 * The migration runs statement by statement inside one transaction that is always rolled back, and
 * the report says what each statement locked, what that blocks, what it rewrote and scanned. Files
 * that cannot be dry-run safely are refused before anything starts. Nothing is ever committed.
 *
 * The embedded engine (PGlite) runs in a child process shared by all calls of this process; call
 * disposeDryRunHosts() before exiting a command-line process (the language server may keep it warm).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPostgresParser } from '../engine/dialects/postgres/parser';
import { PgliteHost, type PgliteHostOptions, type HostOutcome } from './pglite/client';
import { CONTRIB_EXTENSIONS, planHistory, planMigration, sha256, type ContribExtension, type HistoryFile, type MigrationPlan, type PlannedStatement } from './plan';
import { DryRunError } from './postgres/connection';
import { traceOnServer } from './postgres/engine';
import { Redactor } from './redact';
import type { DryRunEngine, DryRunProgress, DryRunReport, HistoryReport, StatementReport } from './report';
import { blank, elapsed, type TraceResult } from './tracer';
import { verdictOf } from './verdict';

export { DryRunError } from './postgres/connection';
export { redactUrl, Redactor } from './redact';
export { formatReportText, verdictOf } from './verdict';
export { readMigrationToTrace, type MigrationToTrace } from './history-files';
export type { PgliteHostOptions } from './pglite/client';
export type { HistoryFile } from './plan';
export type * from './report';

export interface DryRunOptions {
  /** `pglite` (default): embedded PostgreSQL, no set-up. `postgres`: a server at `url`. */
  engine?: DryRunEngine;
  /** Connection URL for the `postgres` engine. Never printed with its password. */
  url?: string;
  /** The migration's path or name, for the report. */
  file: string;
  text: string;
  /** Earlier migrations, in the order they apply (embedded engine; a server already has them). */
  history?: HistoryFile[];
  signal?: AbortSignal;
  onProgress?: (progress: DryRunProgress) => void;
  /** Server: lock_timeout for the dry run, 100 to 500 ms (default 300): a dry run waiting for a lock blocks everyone queued behind it. */
  lockTimeoutMs?: number;
  /** Longest a statement may run (default 30 s on a server, 60 s embedded). */
  statementTimeoutMs?: number;
  /** Folder for the embedded engine's cache of replayed histories (default: under the OS temp folder). */
  storageDir?: string;
  host?: PgliteHostOptions;
}

/** Bounds of the server engine's lock_timeout. */
export const MIN_LOCK_TIMEOUT_MS = 100;
export const MAX_LOCK_TIMEOUT_MS = 500;

let sharedHost: PgliteHost | undefined;

/** Stops the embedded engine's child process (after it has saved its cache). */
export async function disposeDryRunHosts(): Promise<void> {
  const host = sharedHost;
  sharedHost = undefined;
  await host?.dispose();
}

export function defaultCacheDir(storageDir?: string): string {
  return storageDir ? join(storageDir, 'pglite-cache') : join(tmpdir(), 'safe-migrations-pglite');
}

export async function dryRun(options: DryRunOptions): Promise<DryRunReport> {
  const started = performance.now();
  const engine = options.engine ?? 'pglite';
  if (engine !== 'pglite' && engine !== 'postgres') throw new DryRunError(`unknown engine "${String(engine)}": use pglite or postgres`);
  const redactor = new Redactor(options.url);
  await loadPostgresParser();
  const plan = planMigration(options.text);
  const report = (fields: Partial<DryRunReport> & Pick<DryRunReport, 'status'>): DryRunReport => {
    const base: Omit<DryRunReport, 'verdict'> = {
      engine,
      serverVersion: '',
      file: options.file,
      committed: false,
      refused: plan.refused,
      statements: [],
      notRun: 0,
      notes: [],
      durationMs: 0,
      ...(engine === 'postgres' && options.url ? { server: redactor.safeUrl } : {}),
      ...fields,
    };
    base.durationMs = elapsed(started);
    const full: DryRunReport = { ...base, verdict: verdictOf(base) };
    options.onProgress?.({ phase: 'done', message: full.verdict });
    return redactor.value(full);
  };
  if (plan.refused.length) return report({ status: 'refused', notRun: plan.steps.length });
  // Nothing to trace (comments only): no reason to start an engine or open a connection.
  if (plan.steps.length === 0) return report({ status: 'ok' });

  if (engine === 'postgres') {
    if (!options.url) throw new DryRunError('the postgres engine needs a connection URL (--url or SAFE_MIGRATIONS_DATABASE_URL)');
    const notes = options.history?.length ? ['the server engine takes the earlier migrations as already applied on the server; they were not replayed'] : [];
    const trace = await traceOnServer(plan, {
      url: options.url,
      redactor,
      // Short, always: while the dry run waits for a lock, every query on that table queues behind it.
      lockTimeoutMs: Math.min(MAX_LOCK_TIMEOUT_MS, Math.max(MIN_LOCK_TIMEOUT_MS, options.lockTimeoutMs ?? 300)),
      statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
      signal: options.signal,
      onProgress: options.onProgress && ((progress) => options.onProgress!(redactor.value(progress))),
    });
    return report({ ...fromTrace(trace), notes: [...notes, ...trace.notes] });
  }
  return report(await traceEmbedded(plan, options));
}

async function traceEmbedded(plan: MigrationPlan, options: DryRunOptions): Promise<Partial<DryRunReport> & Pick<DryRunReport, 'status'>> {
  sharedHost ??= new PgliteHost(options.host);
  const cacheDir = defaultCacheDir(options.storageDir);
  // The child process starts and boots its database while the history is split into statements here.
  const texts = [...(options.history ?? []).map((f) => f.text), options.text];
  sharedHost.warmUp({ cacheDir, historyHashes: (options.history ?? []).map((f) => sha256(f.text)), extensions: guessExtensions(texts) });
  const history = planHistory(options.history ?? []);
  const last: { phase: DryRunProgress['phase'] } = { phase: 'starting' };
  const timeoutMs = options.statementTimeoutMs ?? 60_000;
  const outcome: HostOutcome = await sharedHost.request(
    { steps: plan.steps, history: history.files, extensions: [...new Set([...history.extensions, ...plan.extensions])], cacheDir },
    {
      signal: options.signal,
      inactivityMs: timeoutMs,
      onProgress: (progress) => {
        last.phase = progress.phase;
        options.onProgress?.(progress);
      },
    },
  );
  if (outcome.kind === 'result') {
    const { trace, history: replay } = outcome.result;
    const notes = [...historyNotes(replay), ...trace.notes];
    const failedOn = trace.statements[trace.statements.length - 1];
    if (trace.stop === 'failed' && !options.history?.length && MISSING_OBJECT.has(failedOn?.errorCode ?? '')) {
      notes.push('the embedded database starts empty: give the earlier migrations (--history <folder>) so that what they create exists');
    }
    return { ...fromTrace(trace), history: replay, notes };
  }
  if (outcome.kind === 'cancelled') {
    return { status: 'cancelled', statements: outcome.statements, notRun: plan.steps.length - outcome.statements.length };
  }
  // The host was stopped or died: while tracing, charge the statement that was running; before, it is a setup failure.
  const message = outcome.kind === 'timeout' ? `did not finish within ${Math.round(outcome.afterMs / 1000)} s; the embedded database was stopped` : outcome.message;
  const running = plan.steps[outcome.statements.length];
  if (last.phase !== 'tracing' || !running) throw new DryRunError(`the embedded database failed: ${message}`);
  const statements = [...outcome.statements, failedStatement(running, message)];
  return { status: 'failed', statements, notRun: plan.steps.length - statements.length };
}

/** The contrib extensions the texts seem to create, found without parsing (a guess, checked later). */
function guessExtensions(texts: string[]): ContribExtension[] {
  const found = new Set<ContribExtension>();
  for (const text of texts) {
    for (const m of text.matchAll(/create\s+extension\s+(?:if\s+not\s+exists\s+)?"?([\w-]+)/gi)) {
      const name = m[1].toLowerCase();
      if ((CONTRIB_EXTENSIONS as readonly string[]).includes(name)) found.add(name as ContribExtension);
    }
  }
  return [...found];
}

/** SQLSTATEs of a missing table, column, object, schema or function: what a missing history causes. */
const MISSING_OBJECT = new Set(['42P01', '42703', '42704', '3F000', '42883']);

function fromTrace(trace: TraceResult): Pick<DryRunReport, 'status' | 'statements' | 'notRun' | 'serverVersion'> {
  return {
    status: trace.stop ?? 'ok',
    statements: trace.statements,
    notRun: trace.notRun,
    serverVersion: trace.serverVersion,
  };
}

function historyNotes(history: HistoryReport): string[] {
  if (!history.failed.length) return [];
  const [first] = history.failed;
  return [
    `${history.failed.length} statement${history.failed.length === 1 ? '' : 's'} of earlier migrations could not be replayed on the embedded database and ${history.failed.length === 1 ? 'was' : 'were'} skipped, so its schema may differ from production (first: ${first.file}:${first.line}: ${first.message})`,
  ];
}

function failedStatement(step: PlannedStatement, message: string): StatementReport {
  return { ...blank(step, step.nonTransactional ? 'pglite-copy' : 'transaction'), error: message };
}
