/**
 * Dry run on a PostgreSQL server: the history is taken as already applied there, and only the chosen
 * migration is traced, inside one transaction that is always rolled back.
 *
 * Two connections: the main one runs the migration; the monitor watches lock waits and, when the user
 * cancels, asks the server to cancel the main one's statement (pg_cancel_backend), because closing a
 * client does not stop a statement running on the server.
 */
import type { MigrationPlan } from '../plan';
import type { Redactor } from '../redact';
import type { DryRunProgress } from '../report';
import { traceMigration, type TraceResult } from '../tracer';
import { connect, DryRunError, pgSession } from './connection';
import { runWatched } from './lock-watch';

export interface ServerDryRunOptions {
  url: string;
  redactor: Redactor;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (progress: DryRunProgress) => void;
}

const APPLICATION = 'safe-migrations dry-run';
/** If this process stops answering mid-run, the server ends the transaction on its own. */
const IDLE_IN_TRANSACTION_MS = 10_000;

export async function traceOnServer(plan: MigrationPlan, options: ServerDryRunOptions): Promise<TraceResult> {
  const { url, redactor, signal } = options;
  options.onProgress?.({ phase: 'starting', message: `connecting to ${redactor.safeUrl}` });
  const [main, monitor] = await Promise.allSettled([connect(url, redactor, APPLICATION), connect(url, redactor, `${APPLICATION} (monitor)`)]);
  if (main.status === 'rejected' || monitor.status === 'rejected') {
    if (main.status === 'fulfilled') await main.value.end().catch(() => undefined);
    if (monitor.status === 'fulfilled') await monitor.value.end().catch(() => undefined);
    throw (main.status === 'rejected' ? main.reason : (monitor as PromiseRejectedResult).reason) as Error;
  }
  const client = main.value;
  const watcher = monitor.value;
  let cancelled = false;
  let pid = 0;
  let version = '';
  const onAbort = (): void => {
    cancelled = true;
    if (pid) void watcher.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]).catch(() => undefined);
  };
  try {
    const who = await client.query<{ pid: number; version: string }>(
      "SELECT pg_catalog.pg_backend_pid() AS pid, pg_catalog.current_setting('server_version') AS version",
    );
    pid = who.rows[0].pid;
    version = who.rows[0].version.split(' ')[0];
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    return await traceMigration(pgSession(client), plan.steps, {
      caps: { lockTimeoutMs: options.lockTimeoutMs, statementTimeoutMs: options.statementTimeoutMs, idleInTransactionMs: IDLE_IN_TRANSACTION_MS },
      cancelled: () => cancelled,
      run: (step) => runWatched(client, watcher, pid, step.sql, options.lockTimeoutMs),
      outsideTransaction: async () => ({
        tracedOn: 'not-run',
        note: "cannot run inside a transaction, so it was not run on the server (running it would commit); locks from PostgreSQL's documentation",
      }),
      applyEquivalents: false,
      onStatement: (statement, done, total) =>
        options.onProgress?.({ phase: 'tracing', message: `traced line ${statement.line}`, done, total, statement }),
    });
  } catch (error) {
    if (cancelled) return { statements: [], stop: 'cancelled', notRun: plan.steps.length, serverVersion: version, notes: [] };
    throw new DryRunError(`dry run on ${redactor.safeUrl} failed: ${redactor.message(error)}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Session-level advisory locks survive a rollback; the connection's end releases everything else.
    await client.query('SELECT pg_catalog.pg_advisory_unlock_all()').catch(() => undefined);
    await Promise.all([client.end().catch(() => undefined), watcher.end().catch(() => undefined)]);
  }
}
