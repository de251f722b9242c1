/**
 * What the tracer needs from a database connection, implemented over PGlite (in its host process)
 * and over pg (a PostgreSQL server).
 */
import type { BlockerReport } from './report';

export type StatementOutcome =
  | { ok: true; rows: number | null }
  | { ok: false; message: string; code?: string; blockedBy?: BlockerReport[] };

export interface SqlSession {
  /** Runs one statement as written with the simple query protocol (migration statements, BEGIN, ROLLBACK). */
  execute(sql: string): Promise<StatementOutcome>;
  /** Runs an internal query whose single row has a json column `j`, and returns that value. */
  json<T>(sql: string): Promise<T>;
}

/** The rows count a driver reports, normalised: DDL has none. */
export function rowsOf(command: string | undefined, count: number | null | undefined): number | null {
  if (count === null || count === undefined) return null;
  return command && /^(SELECT|INSERT|UPDATE|DELETE|MERGE|COPY|FETCH|MOVE)$/i.test(command) ? count : null;
}

/** SQLSTATE and message of a driver error (pg and PGlite both expose `code`). */
export function errorOutcome(error: unknown): { ok: false; message: string; code?: string } {
  const e = error as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return typeof e?.code === 'string' ? { ok: false, message, code: e.code } : { ok: false, message };
}
