/**
 * Each ALTER TABLE queues for its own lock on the table, and each one that scans or rewrites does so
 * again. Several ALTER TABLE statements on one existing table can usually be one statement with
 * comma-separated subcommands: one lock acquisition, one pass over the data.
 *
 * Not reported: ALTERs in different transactions of the file (kept apart on purpose), ALTERs with a
 * statement on the same table between them (a backfill between ADD COLUMN and SET NOT NULL cannot be
 * merged away), and subcommands that must stand alone (ATTACH/DETACH PARTITION) or are split on
 * purpose (VALIDATE CONSTRAINT after ADD … NOT VALID, DROP CONSTRAINT of the CHECK after the SET NOT NULL it
 * proved).
 */
import type { AlterTableCmd, AlterTableStmt } from '@pgsql/types';
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { alterCommandRanges } from '../dialects/postgres/ranges';
import type { Fix } from '../types';
import { defineRule, type RuleContext } from './define';
import { lineOf } from './helpers/held-locks';
import { lockSiteRange } from './helpers/keyword-spans';
import { aLock } from './helpers/lock-phrases';
import { locksOfStatement } from './helpers/relation-locks';

/** Subcommands that stay in an ALTER TABLE of their own (merging them is refused or defeats their purpose). */
export const STANDS_ALONE: ReadonlySet<string> = new Set(['AT_AttachPartition', 'AT_DetachPartition', 'AT_DetachPartitionFinalize', 'AT_ValidateConstraint']);

const subtypes = (alter: AlterTableStmt) => (alter.cmds ?? []).map((c) => (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd?.subtype);

/**
 * SET NOT NULL and then DROP CONSTRAINT of the CHECK that proved it stay apart: in one statement
 * PostgreSQL drops the CHECK first and then scans the whole table to prove NOT NULL itself.
 */
function dropsAfterNotNull(previous: AlterTableStmt | undefined, alter: AlterTableStmt): boolean {
  return previous !== undefined && subtypes(previous).includes('AT_SetNotNull') && subtypes(alter).includes('AT_DropConstraint');
}

function mergeable(alter: AlterTableStmt): boolean {
  if (alter.objtype !== 'OBJECT_TABLE') return false;
  return !(alter.cmds ?? []).some((c) => STANDS_ALONE.has((c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd?.subtype ?? ''));
}

/** The head of an ALTER TABLE up to its first subcommand (`ALTER TABLE IF EXISTS ONLY s.t`), as code tokens. */
function head(stmt: Statement, alter: AlterTableStmt): { key: string; end: number } | undefined {
  const first = alterCommandRanges(stmt, alter.relation?.location)[0];
  if (!first || first.start <= stmt.range.start) return undefined;
  const tokens = stmt.tokens().filter((t) => t.start < first.start);
  // A comment in the head would be lost with it.
  if (tokens.some((t) => t.name === 'SQL_COMMENT' || t.name === 'C_COMMENT')) return undefined;
  return { key: tokens.map((t) => t.text.toLowerCase()).join(' '), end: first.start };
}

/**
 * Merges the statement into the one right before it when that is an ALTER TABLE of the same table
 * written the same way and only white space separates them: `ALTER TABLE t A; ALTER TABLE t B;` becomes
 * `ALTER TABLE t A, B;`. Each flagged statement merges into its predecessor, so the fixes of a run of
 * ALTERs touch disjoint text and can be applied together.
 */
function mergeWithPrevious(ctx: RuleContext, stmt: Statement, alter: AlterTableStmt): Fix[] | undefined {
  const previous = ctx.file.statements[stmt.index - 1];
  const before = previous?.as('AlterTableStmt');
  if (!previous || !before || !mergeable(before) || relationKey(before.relation) !== relationKey(alter.relation)) return undefined;
  const gap = ctx.file.text.slice(previous.range.end, stmt.range.start);
  if (!/^\s*;\s*$/.test(gap)) return undefined;
  const last = previous.tokens().filter((t) => t.start < previous.range.end).pop();
  if (!last || last.name === 'SQL_COMMENT' || last.name === 'C_COMMENT') return undefined;
  const mine = head(stmt, alter);
  const theirs = head(previous, before);
  if (!mine || !theirs || mine.key !== theirs.key) return undefined;
  return [{ title: 'Merge into the previous ALTER TABLE', kind: 'autofix', edits: [{ range: { start: previous.range.end, end: mine.end }, newText: ', ' }] }];
}

export default defineRule({
  id: 'multiple-alter-table',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'Several ALTER TABLE statements on the same existing table in one migration.',
    messages: {
      repeated:
        'Another ALTER TABLE on {{table}} (the first is on line {{line}}): each statement queues again behind running queries for {{lock}}, and each scan or rewrite runs once per statement.',
    },
    help: 'Combine the subcommands into one statement: ALTER TABLE {{table}} ADD COLUMN …, ALTER COLUMN …;',
    fix: 'autofix',
  },
  check(ctx) {
    /** The first mergeable ALTER TABLE per table since the last transaction boundary or other use of the table. */
    const first = new Map<string, Statement>();
    /** The ALTER TABLE right before, per table, for pairs that must stay apart. */
    const previous = new Map<string, AlterTableStmt>();
    return {
      any(stmt) {
        if (stmt.kind === 'TransactionStmt') {
          first.clear();
          previous.clear();
          return;
        }
        const alter = stmt.as('AlterTableStmt');
        const key = alter ? relationKey(alter.relation) : undefined;
        if (alter && key && mergeable(alter) && !ctx.isNewTable(key)) {
          const earlier = first.get(key);
          const apart = dropsAfterNotNull(previous.get(key), alter);
          previous.set(key, alter);
          if (!earlier || apart) {
            first.set(key, stmt);
            return;
          }
          const mode = locksOfStatement(ctx, stmt).find((l) => l.key === key)?.mode ?? 'AccessExclusiveLock';
          ctx.report({
            stmt,
            range: lockSiteRange(stmt, alter.relation?.location),
            messageId: 'repeated',
            data: { table: relationLabel(alter.relation), line: lineOf(ctx, earlier), lock: aLock(mode, relationLabel(alter.relation)) },
            fixes: mergeWithPrevious(ctx, stmt, alter),
          });
          return;
        }
        // Any other statement on the table sits between the ALTERs and keeps them apart.
        for (const lock of locksOfStatement(ctx, stmt)) {
          first.delete(lock.key);
          previous.delete(lock.key);
        }
      },
    };
  },
});
