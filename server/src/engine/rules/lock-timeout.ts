/**
 * A statement that needs a strong lock on a busy table waits behind every running query that holds a
 * conflicting lock, and while it waits, every new query on the table queues behind it: one slow
 * report query turns an instant ALTER TABLE into an outage. A lock_timeout makes the statement give up
 * (and the migration fail and retry) instead. Reported once per file, at the first such statement.
 */
import type { Statement } from '../dialects/postgres/statement';
import { blocks, lockName, type LockMode } from '../locks/modes';
import type { Fix, TextRange } from '../types';
import { defineRule, type RuleContext } from './define';
import { lockSiteRange } from './helpers/keyword-spans';
import { aLock } from './helpers/lock-phrases';
import { existingTableLocks, strongestLock } from './helpers/relation-locks';

const SUGGESTED = "SET lock_timeout = '2s';";

/** Who waits behind a queued request: a waiting lock blocks the same queries as a granted one. */
function queuedBehind(mode: LockMode, table: string): string {
  return blocks(mode).includes('reads') ? `query on ${table}` : `write to ${table}`;
}

/** True when the statement sets, resets or clears lock_timeout (so a SET at the top would not reach later statements). */
function touchesLockTimeout(stmt: Statement): boolean {
  const set = stmt.as('VariableSetStmt');
  if (set) return set.kind === 'VAR_RESET_ALL' || set.name?.toLowerCase() === 'lock_timeout';
  return stmt.kind === 'SelectStmt' && /lock_timeout/i.test(stmt.text);
}

/**
 * Inserts the SET on a line of its own: before the file's first statement, or right before the flagged
 * one when an earlier statement changes lock_timeout itself (RESET, SET … = 0, SET LOCAL before a COMMIT).
 */
function insertTimeout(ctx: RuleContext, stmt: Statement): Fix {
  const statements = ctx.file.statements;
  const earlierTouch = statements.slice(0, stmt.index).some(touchesLockTimeout);
  const anchor = earlierTouch ? stmt : statements[0];
  const text = ctx.file.text;
  const lineStart = text.lastIndexOf('\n', anchor.range.start - 1) + 1;
  const indent = text.slice(lineStart, anchor.range.start);
  const at = /^[ \t]*$/.test(indent) ? lineStart : anchor.range.start;
  const newText = at === lineStart ? `${indent}${SUGGESTED}\n` : `${SUGGESTED}\n${indent.replace(/\S/g, ' ')}`;
  const range: TextRange = { start: at, end: at };
  const where = earlierTouch ? 'before this statement' : 'at the top of the file';
  return { title: `Add ${SUGGESTED.slice(0, -1)} ${where}`, kind: 'autofix', edits: [{ range, newText }] };
}

export default defineRule({
  id: 'lock-timeout',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'A statement that takes a strong lock on an existing table runs with no lock_timeout set.',
    messages: {
      missing:
        'No lock_timeout is set before this statement, which takes {{lock}}. If a long-running query holds a conflicting lock, the statement waits for it, and every later {{queued}} queues behind the waiting {{mode}} request: an outage until the lock is granted.',
    },
    help: "Add `SET lock_timeout = '2s';` at the top of the migration (or set lockTimeout in safe-migrations.config.json when the runner sets it) and retry the migration when it times out.",
    fix: 'autofix',
  },
  check(ctx) {
    let reported = false;
    return {
      any(stmt) {
        if (reported || ctx.setting('lock_timeout') !== undefined) return;
        const lock = strongestLock(existingTableLocks(ctx, stmt, 'ShareLock'));
        if (!lock) return;
        reported = true;
        ctx.report({
          stmt,
          range: lockSiteRange(stmt, lock.location),
          messageId: 'missing',
          data: { lock: aLock(lock.mode, lock.label), queued: queuedBehind(lock.mode, lock.label), mode: lockName(lock.mode) },
          fixes: [insertTimeout(ctx, stmt)],
        });
      },
    };
  },
});
