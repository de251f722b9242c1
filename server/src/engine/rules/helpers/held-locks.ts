/**
 * The ACCESS EXCLUSIVE locks on existing tables that the current transaction holds. PostgreSQL keeps
 * every lock until the transaction ends, so in a transaction (explicit, or the runner's around the
 * file) an ALTER TABLE's lock outlives the statement and blocks the table's readers and writers for
 * as long as the later statements run. Outside a transaction each statement commits on its own.
 */
import type { ParsedFile, Statement } from '../../dialects/postgres/statement';
import { LineIndex } from '../../lines';
import type { RuleContext } from '../define';
import { existingTableLocks } from './relation-locks';

export interface HeldLock {
  key: string;
  label: string;
  /** The statement that took the lock. */
  stmt: Statement;
  /** Parse-tree location of the table's name in that statement. */
  location?: number;
}

const ENDS_TRANSACTION = new Set(['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE']);

export class HeldExclusiveLocks {
  private readonly held = new Map<string, HeldLock>();

  list(): HeldLock[] {
    // Asked for every statement, and usually nothing is held: no copy then.
    return this.held.size === 0 ? [] : [...this.held.values()];
  }

  has(key: string): boolean {
    return this.held.has(key);
  }

  /** Records the statement's effect; call it after the rule has checked the statement. */
  observe(ctx: RuleContext, stmt: Statement): void {
    const tx = stmt.as('TransactionStmt');
    if (tx) {
      if (ENDS_TRANSACTION.has(tx.kind ?? '')) this.held.clear();
      return;
    }
    if (!ctx.inTransaction()) {
      this.held.clear();
      return;
    }
    for (const lock of existingTableLocks(ctx, stmt, 'AccessExclusiveLock')) {
      if (!this.held.has(lock.key)) this.held.set(lock.key, { key: lock.key, label: lock.label, stmt, location: lock.location });
    }
  }
}

/** 1-based line of a statement's start, for messages that point back at it. */
export function lineOf(ctx: RuleContext, stmt: Statement): number {
  return lineAt(ctx, stmt.range.start);
}

/** One line index per linted file, shared by every rule: counting from the file's start per call was quadratic. */
const lineIndexes = new WeakMap<ParsedFile, LineIndex>();

/** 1-based line of a file offset. */
export function lineAt(ctx: RuleContext, offset: number): number {
  let lines = lineIndexes.get(ctx.file);
  if (!lines) lineIndexes.set(ctx.file, (lines = new LineIndex(ctx.file.text)));
  return lines.position(offset).line + 1;
}
