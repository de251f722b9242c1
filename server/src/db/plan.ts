/**
 * Turning migration text into what the tracer runs: the migration's statements (with the ones that
 * must be refused, and the ones that cannot run in a transaction, marked) and the earlier migrations
 * as statements to replay. Splitting uses the engine's own splitter and parser, so that each statement
 * is run, timed and reported on its own.
 */
import { createHash } from 'node:crypto';
import { COPY_DATA, PSQL_META, SYNTAX_ERROR, parseFile, type Statement } from '../engine/dialects/postgres/statement';
import { LineIndex } from '../engine/lines';
import type { LockMode } from '../engine/locks/modes';
import { statementLocks } from '../engine/locks/statement-locks';
import { nonTransactional, type NonTransactional } from './non-transactional';
import { refusal } from './refusals';
import type { HistoryProblem, RefusedStatement } from './report';

/** The contrib extensions the embedded engine can load (CREATE EXTENSION name → PGlite's module). */
export const CONTRIB_EXTENSIONS = ['pgcrypto', 'uuid-ossp', 'citext', 'pg_trgm', 'hstore', 'btree_gist', 'ltree'] as const;
export type ContribExtension = (typeof CONTRIB_EXTENSIONS)[number];

export interface PlannedStatement {
  index: number;
  /** 1-based line of the statement's first character. */
  line: number;
  sql: string;
  kind: string;
  /**
   * The locks PostgreSQL's documentation gives for the statement (schema-qualified, `public` when
   * unqualified). Used only where pg_locks cannot tell: a mode already held since an earlier statement
   * is not acquired again, so it does not show up as new.
   */
  expectedLocks: { relation: string; mode: LockMode }[];
  nonTransactional?: NonTransactional;
}

export interface MigrationPlan {
  steps: PlannedStatement[];
  refused: RefusedStatement[];
  /** Contrib extensions the migration creates. */
  extensions: ContribExtension[];
}

export interface HistoryFile {
  /** A path or name, for messages. */
  name: string;
  text: string;
}

export interface ReplayStatement {
  line: number;
  sql: string;
  /** Cannot run inside a transaction block, so it cannot be batched with others. */
  alone: boolean;
}

export interface ReplayFile {
  name: string;
  /** sha256 of the file's text: the replay cache is keyed by the chain of these. */
  hash: string;
  statements: ReplayStatement[];
  /** Statements left out of the replay (transaction control, psql commands, syntax errors). */
  skipped: HistoryProblem[];
}

export interface HistoryPlan {
  files: ReplayFile[];
  extensions: ContribExtension[];
}

export function planMigration(text: string): MigrationPlan {
  const parsed = parseFile(text);
  const lines = new LineIndex(text);
  const steps: PlannedStatement[] = [];
  const refused: RefusedStatement[] = [];
  const extensions = new Set<ContribExtension>();
  for (const stmt of parsed.statements) {
    if (stmt.kind === 'Empty') continue;
    const line = lines.position(stmt.range.start).line + 1;
    const reason = refusal(stmt);
    if (reason) {
      refused.push({ line, reason });
      continue;
    }
    if (stmt.kind === COPY_DATA) continue;
    noteExtension(stmt, extensions);
    const expectedLocks = statementLocks(stmt.node).map((l) => ({ relation: l.key, mode: l.mode }));
    const step: PlannedStatement = { index: steps.length, line, sql: stmt.text, kind: stmt.kind, expectedLocks };
    const nonTx = nonTransactional(stmt);
    if (nonTx) step.nonTransactional = nonTx;
    steps.push(step);
  }
  return { steps, refused, extensions: [...extensions] };
}

/** Split history files by name and content: a repeated dry run does not parse its 200 earlier migrations again. */
const planned = new Map<string, { file: ReplayFile; extensions: ContribExtension[] }>();
const PLANNED_LIMIT = 5000;

/** Drops the split history files kept for repeated dry runs (memory, or a cold measurement). */
export function forgetPlannedHistory(): void {
  planned.clear();
}

export function planHistory(files: HistoryFile[]): HistoryPlan {
  const extensions = new Set<ContribExtension>();
  const out: ReplayFile[] = [];
  for (const file of files) {
    const hash = sha256(file.text);
    const key = `${file.name}\n${hash}`;
    let entry = planned.get(key);
    if (!entry) {
      entry = planHistoryFile(file, hash);
      if (planned.size >= PLANNED_LIMIT) planned.clear();
      planned.set(key, entry);
    }
    out.push(entry.file);
    for (const e of entry.extensions) extensions.add(e);
  }
  return { files: out, extensions: [...extensions] };
}

function planHistoryFile(file: HistoryFile, hash: string): { file: ReplayFile; extensions: ContribExtension[] } {
  const extensions = new Set<ContribExtension>();
  const parsed = parseFile(file.text);
  const lines = new LineIndex(file.text);
  const statements: ReplayStatement[] = [];
  const skipped: HistoryProblem[] = [];
  for (const stmt of parsed.statements) {
    if (stmt.kind === 'Empty' || stmt.kind === COPY_DATA) continue;
    const line = lines.position(stmt.range.start).line + 1;
    // The replay runs each statement in autocommit, so a file's own BEGIN/COMMIT are not needed, and
    // leaving them out keeps one failed statement from aborting the rest of its file.
    if (stmt.kind === 'TransactionStmt') continue;
    if (stmt.kind === PSQL_META || stmt.kind === SYNTAX_ERROR) {
      skipped.push({ file: file.name, line, message: refusal(stmt) ?? 'not SQL' });
      continue;
    }
    const copy = stmt.as('CopyStmt');
    if (copy && copy.is_from && !copy.filename) {
      skipped.push({ file: file.name, line, message: 'COPY … FROM STDIN data is not replayed' });
      continue;
    }
    noteExtension(stmt, extensions);
    statements.push({ line, sql: stmt.text, alone: nonTransactional(stmt) !== undefined });
  }
  return { file: { name: file.name, hash, statements, skipped }, extensions: [...extensions] };
}

function noteExtension(stmt: Statement, into: Set<ContribExtension>): void {
  const name = stmt.as('CreateExtensionStmt')?.extname?.toLowerCase();
  if (name && (CONTRIB_EXTENSIONS as readonly string[]).includes(name)) into.add(name as ContribExtension);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
