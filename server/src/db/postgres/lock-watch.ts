/**
 * While a statement runs on the server, a second connection looks at whether it waits for a lock and,
 * if so, who holds it (pg_blocking_pids). When the short lock_timeout then cancels the statement, the
 * report can say which session was in the way and what it was doing: that session was also queueing
 * every later reader of the table behind the dry run.
 */
import type { Client } from 'pg';
import type { BlockerReport } from '../report';
import { errorOutcome, rowsOf, type StatementOutcome } from '../session';

const BLOCKERS_SQL = `SELECT coalesce(json_agg(x), '[]'::json) AS j FROM (
  SELECT a.pid, coalesce(a.application_name, '') AS "applicationName", a.usename AS "user", a.state,
    left(coalesce(a.query, ''), 300) AS query,
    (SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = w.relation) AS relation,
    w.mode AS "wantedMode",
    coalesce((SELECT json_agg(DISTINCT h.mode) FROM pg_catalog.pg_locks h
      WHERE h.pid = a.pid AND h.granted AND h.locktype = w.locktype AND h.relation IS NOT DISTINCT FROM w.relation), '[]'::json) AS "heldModes",
    a.xact_start::text AS "transactionStart"
  FROM pg_catalog.pg_locks w
  CROSS JOIN LATERAL unnest(pg_catalog.pg_blocking_pids(w.pid)) AS b(pid)
  JOIN pg_catalog.pg_stat_activity a ON a.pid = b.pid
  WHERE w.pid = $1 AND NOT w.granted
) x`;

export async function runWatched(main: Client, monitor: Client, pid: number, sql: string, lockTimeoutMs: number): Promise<StatementOutcome> {
  let blockers: BlockerReport[] = [];
  let done = false;
  let polling: Promise<void> = Promise.resolve();
  const poll = async (): Promise<void> => {
    try {
      const seen = (await monitor.query<{ j: BlockerReport[] }>(BLOCKERS_SQL, [pid])).rows[0].j;
      if (seen.length) blockers = seen;
    } catch {
      // The monitor is best effort: a failed look leaves the last answer in place.
    }
  };
  // Look a few times within the lock timeout, starting early enough to see a wait before it ends.
  const every = Math.max(20, Math.min(100, Math.floor(lockTimeoutMs / 3)));
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    polling = poll().then(() => {
      if (!done) timer = setTimeout(tick, every);
    });
  };
  timer = setTimeout(tick, Math.min(50, every));
  try {
    const result = await main.query(sql);
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return { ok: true, rows: rowsOf(last?.command, last?.rowCount) };
  } catch (error) {
    const outcome: StatementOutcome = errorOutcome(error);
    if (blockers.length) outcome.blockedBy = blockers;
    return outcome;
  } finally {
    done = true;
    clearTimeout(timer);
    await polling;
  }
}
