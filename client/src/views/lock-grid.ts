/**
 * The timeline of a dry run as a grid: one row per table other sessions can see, one column per
 * statement in the order they ran, and in each cell the strongest lock the migration holds on that
 * table at that statement. A lock is held from the statement that takes it until the transaction
 * ends, so it carries into every later column; a statement that runs outside the transaction
 * (CREATE INDEX CONCURRENTLY) holds its lock only while it runs. When several migrations run one after
 * the other, each commits before the next starts, so nothing carries across files.
 * Pure data: no VS Code API, so that it can be tested and rendered anywhere.
 */
import { blocks, LOCK_MODES, lockName, type Blocked, type LockMode } from '../../../server/src/engine/locks/modes';
import type { LockReport } from '../../../server/src/db/report';
import type { DryRunResult, DryRunStatement } from '../../../server/src/protocol/dry-run';

const rank = (mode: string | undefined): number => (mode ? LOCK_MODES.indexOf(mode as LockMode) : -1);

/** Relation kinds the application queries; their locks are what queries wait for. */
const QUERIED = new Set(['table', 'partitioned table', 'materialized view', 'foreign table', 'view']);

export interface GridCell {
  /** The strongest lock held on the table at this statement (taken now or earlier). */
  mode?: string;
  blocks: Blocked[];
  /** This statement took the lock shown (or a stronger one than was held). */
  acquired: boolean;
  /** A lock taken by an earlier statement is still held. */
  held: boolean;
  rewritten: boolean;
  scanned: boolean;
  /** The lock comes from PostgreSQL's documentation, not pg_locks (the statement ran outside the transaction, or not at all). */
  fromDocumentation: boolean;
}

export interface GridRow {
  relation: string;
  kind: string;
  cells: GridCell[];
}

export interface LockGrid {
  statements: DryRunStatement[];
  rows: GridRow[];
}

/** ACCESS EXCLUSIVE, SHARE UPDATE EXCLUSIVE …: the names PostgreSQL's LOCK statement uses; unknown modes as written. */
export function sqlLockName(mode: string): string {
  return rank(mode) >= 0 ? lockName(mode as LockMode) : mode;
}

/** What a pg_locks mode blocks for ordinary queries (reads need ACCESS SHARE, writes ROW EXCLUSIVE). */
export function blockedBy(mode: string | undefined): Blocked[] {
  return rank(mode) >= 0 ? blocks(mode as LockMode) : [];
}

/** The locks a statement took on relations other sessions can see. */
function visibleLocks(statement: DryRunStatement): LockReport[] {
  const onTables = statement.locks.filter((l) => !l.createdHere && QUERIED.has(l.kind));
  // An index lock stands for its table only when the statement locked no table (the table is not named).
  const onIndexes = onTables.length ? [] : statement.locks.filter((l) => !l.createdHere && l.kind === 'index' && l.blocks.length > 0);
  return [...onTables, ...onIndexes];
}

export function lockGrid(result: Pick<DryRunResult, 'statements'>): LockGrid {
  const statements = result.statements;
  const created = new Set(statements.flatMap((s) => s.locks.filter((l) => l.createdHere).map((l) => l.relation)));
  const kinds = new Map<string, string>();
  for (const s of statements) {
    for (const lock of visibleLocks(s)) if (!kinds.has(lock.relation)) kinds.set(lock.relation, lock.kind);
    for (const r of [...s.rewrites, ...s.scanned]) if (!created.has(r) && !kinds.has(r)) kinds.set(r, 'table');
  }
  const rows: GridRow[] = [...kinds].map(([relation, kind]) => ({ relation, kind, cells: [] }));
  const carried = new Map<string, string>();
  let file = statements[0]?.file ?? 0;
  for (const s of statements) {
    if (s.file !== file) {
      carried.clear(); // the previous migration committed: its locks are gone
      file = s.file;
    }
    const inTransaction = s.tracedOn === 'transaction';
    const taken = new Map<string, string>();
    for (const lock of visibleLocks(s)) if (rank(lock.mode) > rank(taken.get(lock.relation))) taken.set(lock.relation, lock.mode);
    for (const row of rows) {
      const before = carried.get(row.relation);
      const now = taken.get(row.relation);
      const acquired = now !== undefined && rank(now) > rank(before);
      const mode = acquired ? now : before;
      row.cells.push({
        mode,
        blocks: blockedBy(mode),
        acquired,
        held: before !== undefined,
        rewritten: s.rewrites.includes(row.relation),
        scanned: s.scanned.includes(row.relation) && !s.rewrites.includes(row.relation),
        fromDocumentation: acquired && !inTransaction,
      });
      if (inTransaction && acquired) carried.set(row.relation, now);
    }
  }
  return { statements, rows };
}
