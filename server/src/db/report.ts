/**
 * The dry-run report: what each statement of a migration locked, rewrote and scanned when it was run
 * for real inside a transaction that was then rolled back. Shared by the CLI (text and JSON output)
 * and the editor client (report view); plain JSON, no class instances.
 */
import type { Blocked } from '../engine/locks/modes';

export type DryRunEngine = 'pglite' | 'postgres';

/** What kind of relation a lock is on (from pg_class.relkind). */
export type RelationKind = 'table' | 'partitioned table' | 'index' | 'sequence' | 'view' | 'materialized view' | 'foreign table' | 'other';

export interface LockReport {
  /** Schema-qualified relation name, e.g. `public.users`. */
  relation: string;
  /** The lock mode as pg_locks names it, e.g. `AccessExclusiveLock`. */
  mode: string;
  /** Ordinary queries this lock blocks while held (until the migration's transaction commits). */
  blocks: Blocked[];
  kind: RelationKind;
  /** The relation was created by this migration: nobody else can see it before commit. */
  createdHere: boolean;
  /** `pg_locks` when observed; `static` for statements that cannot run in a transaction. */
  source: 'pg_locks' | 'static';
  /**
   * The statement needs this mode (per PostgreSQL's documentation) and pg_locks shows it held, but
   * an earlier statement of the migration had already taken it.
   */
  heldBefore?: boolean;
}

/** A session that held the lock the dry run waited for (server engine only). */
export interface BlockerReport {
  pid: number;
  applicationName: string;
  user: string | null;
  state: string | null;
  /** The blocking session's current or last query, shortened. */
  query: string;
  /** The relation waited for, when the wait was on a relation lock. */
  relation: string | null;
  wantedMode: string;
  heldModes: string[];
  transactionStart: string | null;
}

/** How a statement was traced. */
export type TracedOn =
  /** Inside the dry run's transaction, locks read from pg_locks. */
  | 'transaction'
  /** Cannot run in a transaction: run on a throw-away embedded copy; locks from PostgreSQL's documentation. */
  | 'pglite-copy'
  /** Cannot run in a transaction and there is no throw-away copy (server engine): not run at all. */
  | 'not-run';

export interface StatementReport {
  /** 1-based line of the statement's first character. */
  line: number;
  sql: string;
  /** Parse-tree node type, e.g. `AlterTableStmt`. */
  kind: string;
  durationMs: number;
  /** Rows the statement returned or changed, as PostgreSQL reports them; null for DDL. */
  rows: number | null;
  /** Rows read by sequential and index scans of the locked tables (pg_stat_xact_user_tables). */
  rowsScanned: number;
  /** Rows inserted, updated or deleted in the locked tables. */
  rowsTouched: number;
  /** Tables whose rows were read, e.g. by a rewrite, a validation or an index build. */
  scanned: string[];
  /** Locks this statement took (the strongest new one per relation); all are held until commit. */
  locks: LockReport[];
  /** Tables (and materialized views) whose storage was rewritten: a new relfilenode, or a new toast file. */
  rewrites: string[];
  /** Indexes rebuilt by the statement (new relfilenode, or dropped and recreated under the same name). */
  indexRebuilds: string[];
  error: string | null;
  /** SQLSTATE of the error, e.g. `55P03` for a lock timeout. */
  errorCode?: string;
  /** On a lock wait that timed out: who held the lock. */
  blockedBy?: BlockerReport[];
  tracedOn: TracedOn;
  note?: string;
}

export interface RefusedStatement {
  line: number;
  reason: string;
}

export interface HistoryProblem {
  file: string;
  line: number;
  message: string;
}

export interface HistoryReport {
  /** Earlier migrations replayed before the traced one (embedded engine only). */
  files: number;
  statements: number;
  /** The replayed database came from the cache (keyed by a hash of the earlier migrations). */
  cached: boolean;
  /** History statements that failed on the embedded database and were skipped. */
  failed: HistoryProblem[];
  durationMs: number;
}

export type DryRunStatus = 'ok' | 'failed' | 'refused' | 'cancelled';

export interface DryRunReport {
  engine: DryRunEngine;
  serverVersion: string;
  file: string;
  /** Always false: a dry run never commits. */
  committed: false;
  status: DryRunStatus;
  refused: RefusedStatement[];
  statements: StatementReport[];
  /** Statements after the one that failed, or after a cancel, that were not run. */
  notRun: number;
  /** One line: "rewrites users while blocking reads and writes". */
  verdict: string;
  notes: string[];
  history?: HistoryReport;
  /** The server, with its password masked (server engine only). */
  server?: string;
  durationMs: number;
}

export interface DryRunProgress {
  phase: 'starting' | 'replaying' | 'tracing' | 'done';
  message: string;
  done?: number;
  total?: number;
  /** The statement just traced (during `tracing`). */
  statement?: StatementReport;
}
