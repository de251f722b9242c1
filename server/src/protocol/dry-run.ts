/**
 * Dry-run messages between the VS Code client and the language server. The dry run executes in the
 * language server's process (which starts the embedded PostgreSQL in a child process of its own), so
 * that the editor's extension host never holds a database.
 *
 * Connection URLs travel sealed (see sealed-secret.ts): a message trace of the protocol, which VS Code
 * writes to the output when `safeMigrations.trace.server` is `verbose`, must never show a password.
 */
import type { LockMode } from '../engine/locks/modes';
import type { DryRunReport, RefusedStatement, StatementReport } from '../db/report';

/** Request, client → server: dry-run one migration, or several in order (the pending ones). */
export const DRY_RUN_METHOD = 'safeMigrations/dryRun';

/** Request, client → server: which migrations of a folder a server has not applied yet. */
export const PENDING_MIGRATIONS_METHOD = 'safeMigrations/pendingMigrations';

/** Notification, server → client: how far a dry run has got (`token` is the request's `progressToken`). */
export const DRY_RUN_PROGRESS_METHOD = 'safeMigrations/dryRunProgress';

/** A saved connection as the request carries it. */
export interface DryRunConnection {
  /** The name the person gave it; shown in messages instead of the URL. */
  label: string;
  production: boolean;
  /** The URL sealed for this server process (what the VS Code client sends). */
  sealedUrl?: string;
  /** The URL in clear, for clients that start the server without a sealing key. */
  url?: string;
}

export interface DryRunFile {
  /** file: URI of the migration. */
  uri: string;
  /** The editor's text when it has unsaved changes; otherwise the file is read from disk. */
  text?: string;
}

export interface DryRunParams {
  /**
   * The migrations to run, in order. One file is traced after its earlier migrations are replayed
   * (embedded engine); several (pending migrations) run one after the other in one transaction.
   */
  files: DryRunFile[];
  /** The server to dry-run on; absent: the embedded engine (PGlite). */
  connection?: DryRunConnection;
  /** A folder the server may write to (VS Code's globalStorageUri): the replayed-history cache. */
  storageDir?: string;
  /** The client's word that the workspace is trusted; without it nothing runs. */
  workspaceTrusted: boolean;
  /** Echoed in the progress notifications of this request. */
  progressToken?: string;
}

/** A statement of the report, with the file it comes from (an index into `files`) and its line there. */
export type DryRunStatement = StatementReport & { file: number };

export type DryRunRefusal = RefusedStatement & { file: number };

export interface DryRunFileInfo {
  uri: string;
  /** Path relative to the migration folder (or the file name). */
  name: string;
  /** The framework the migration folder was read as, e.g. `flyway`. */
  framework?: string;
  /** Earlier migrations replayed before it (embedded engine, first file only). */
  historyFiles: number;
}

export type AgreementOutcome = 'confirmed' | 'contradicted' | 'not-checked' | 'not-run';

export interface FindingAgreement {
  rule: string;
  outcome: AgreementOutcome;
  /** The lint message of the finding. */
  message: string;
  /** One line, e.g. `confirmed: create-index-concurrently (ShareLock observed on accounts)`. */
  text: string;
}

export interface LockComparison {
  relation: string;
  /** What the engine's lock table predicts (undefined: not predicted). */
  expected?: LockMode;
  /** The strongest mode observed (undefined: not observed). */
  observed?: string;
  /** same: as predicted; stronger / weaker than predicted; unexpected: observed only; missing: predicted only. */
  verdict: 'same' | 'stronger' | 'weaker' | 'unexpected' | 'missing';
}

export interface StatementAgreement {
  file: number;
  line: number;
  /** Predicted against observed table locks (relations the migration creates are left out). */
  locks: LockComparison[];
  findings: FindingAgreement[];
}

export interface LintAgreement {
  statements: StatementAgreement[];
  confirmed: number;
  contradicted: number;
  /** Findings the dry run cannot observe (conventions, history, data loss, compatibility). */
  notChecked: number;
}

/** The backend's report with its statements placed in their files, and the lint comparison. */
export interface DryRunResult extends Omit<DryRunReport, 'statements' | 'refused'> {
  statements: DryRunStatement[];
  refused: DryRunRefusal[];
  files: DryRunFileInfo[];
  lintAgreement: LintAgreement;
  /** The label of the connection used (server engine). */
  connectionLabel?: string;
}

export interface DryRunProgressParams {
  token: string;
  phase: 'starting' | 'replaying' | 'tracing' | 'done';
  message: string;
  done?: number;
  total?: number;
}

export interface PendingMigrationsParams {
  /** file: URI of the migration folder (or of a migration in it). */
  folderUri: string;
  connection: DryRunConnection;
  workspaceTrusted: boolean;
}

export interface MigrationEntry {
  uri: string;
  /** Path relative to the migration folder. */
  name: string;
  version: string;
}

export interface PendingMigrationsResult {
  framework: string;
  /** The history table read, e.g. `flyway_schema_history`. */
  table?: string;
  /** False when the server's history could not tell which migrations are pending; `reason` says why. */
  reliable: boolean;
  reason?: string;
  /** Every up migration of the folder in the order the framework applies them. */
  migrations: MigrationEntry[];
  /** The ones not applied yet (empty when not reliable). */
  pending: MigrationEntry[];
  /** How many of the folder's migrations the server has applied. */
  applied: number;
}

/** Error codes of the dry-run requests (JSON-RPC server-defined range). */
export const DRY_RUN_ERRORS = {
  /** The workspace is not trusted: nothing is run. */
  untrusted: -32_001,
  /** Bad parameters, an unreadable file, an unreachable server. */
  failed: -32_002,
} as const;
