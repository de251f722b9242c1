/**
 * In a transaction, an ACCESS EXCLUSIVE lock taken by one statement stays until COMMIT. Every later
 * statement that does slow work, or that has to wait for a lock on another table, keeps the locked
 * table unreadable and unwritable for that much longer. Reported at each later statement doing slow
 * work, and at the first one that may wait for another table's lock.
 */
import type { Statement } from '../dialects/postgres/statement';
import { defineRule, type RuleContext } from './define';
import { HeldExclusiveLocks, lineOf, type HeldLock } from './helpers/held-locks';
import { lockSiteRange } from './helpers/keyword-spans';
import { aLock } from './helpers/lock-phrases';
import { longRunningWork } from './helpers/long-running';
import { existingTableLocks, strongestLock } from './helpers/relation-locks';

/**
 * What the statement does that prolongs the held lock, with where it does it: slow work always counts;
 * waiting for a lock on another table counts once per transaction (one finding says it for the lot)
 * and not at all when a lock_timeout bounds the wait.
 */
function prolongs(ctx: RuleContext, stmt: Statement, held: HeldExclusiveLocks, waitsReported: boolean): { why: string; location?: number; waits?: boolean } | undefined {
  const long = longRunningWork(ctx, stmt);
  if (long) return { why: long.work, location: long.location };
  if (waitsReported || ctx.setting('lock_timeout') !== undefined) return undefined;
  // A lock this transaction does not hold yet may have to wait behind other sessions' queries.
  const lock = strongestLock(existingTableLocks(ctx, stmt, 'ShareUpdateExclusiveLock').filter((l) => !held.has(l.key)));
  if (!lock) return undefined;
  return { why: `may wait behind other sessions' queries for ${aLock(lock.mode, lock.label)}`, location: lock.location, waits: true };
}

/** The part of the locking statement that names the table, e.g. `ALTER TABLE users`, at most 60 characters. */
function statementHead(holder: HeldLock): string {
  const range = lockSiteRange(holder.stmt, holder.location);
  const text = holder.stmt.text.slice(range.start - holder.stmt.range.start, range.end - holder.stmt.range.start).replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** "a, b and c", or "a, b, c and 2 more" for long lists. */
function tableList(labels: string[]): string {
  const shown = labels.length > 4 ? [...labels.slice(0, 3), `${labels.length - 3} more`] : labels;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : shown[0];
}

export default defineRule({
  id: 'exclusive-lock-held',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'More work runs in a transaction after it took an ACCESS EXCLUSIVE lock on an existing table.',
    messages: {
      held:
        '{{tables}} {{verb}} still locked (ACCESS EXCLUSIVE, taken by `{{taker}}` on line {{line}}, which blocks reads and writes) until the transaction commits, and this statement {{why}}: the table stays unavailable for all that time.',
    },
    help: 'Put the ACCESS EXCLUSIVE step last in its transaction, or move the later work to a migration of its own.',
    fix: 'none',
  },
  check(ctx) {
    const held = new HeldExclusiveLocks();
    let waitsReported = false;
    return {
      any(stmt) {
        const holders = held.list().filter((h) => h.stmt !== stmt);
        if (holders.length === 0) waitsReported = false; // a new transaction, or none
        const reason = holders.length && ctx.inTransaction() && !stmt.as('TransactionStmt') ? prolongs(ctx, stmt, held, waitsReported) : undefined;
        if (reason) {
          const labels = holders.map((h) => h.label);
          waitsReported ||= reason.waits === true;
          ctx.report({
            stmt,
            range: lockSiteRange(stmt, reason.location),
            messageId: 'held',
            data: { tables: tableList(labels), verb: labels.length > 1 ? 'are' : 'is', taker: statementHead(holders[0]), line: lineOf(ctx, holders[0].stmt), why: reason.why },
          });
        }
        held.observe(ctx, stmt);
      },
    };
  },
});
