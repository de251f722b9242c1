/**
 * Each ALTER TABLE queues for its own lock on the table, and each one that scans or rewrites does so
 * again. Several ALTER TABLE statements on one existing table can usually be one statement with
 * comma-separated subcommands: one lock acquisition, one pass over the data.
 *
 * Not reported: ALTERs in different transactions of the file (kept apart on purpose), ALTERs with a
 * statement on the same table between them (a backfill between ADD COLUMN and SET NOT NULL cannot be
 * merged away), and subcommands that must stand alone (ATTACH/DETACH PARTITION) or are split on
 * purpose (VALIDATE CONSTRAINT after ADD … NOT VALID).
 */
import type { AlterTableCmd, AlterTableStmt } from '@pgsql/types';
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { lineOf } from './helpers/held-locks';
import { lockSiteRange } from './helpers/keyword-spans';
import { aLock } from './helpers/lock-phrases';
import { locksOfStatement } from './helpers/relation-locks';

const STANDS_ALONE = new Set(['AT_AttachPartition', 'AT_DetachPartition', 'AT_DetachPartitionFinalize', 'AT_ValidateConstraint']);

function mergeable(alter: AlterTableStmt): boolean {
  if (alter.objtype !== 'OBJECT_TABLE') return false;
  return !(alter.cmds ?? []).some((c) => STANDS_ALONE.has((c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd?.subtype ?? ''));
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
    return {
      any(stmt) {
        if (stmt.kind === 'TransactionStmt') {
          first.clear();
          return;
        }
        const alter = stmt.as('AlterTableStmt');
        const key = alter ? relationKey(alter.relation) : undefined;
        if (alter && key && mergeable(alter) && !ctx.isNewTable(key)) {
          const earlier = first.get(key);
          if (!earlier) {
            first.set(key, stmt);
            return;
          }
          const mode = locksOfStatement(ctx, stmt).find((l) => l.key === key)?.mode ?? 'AccessExclusiveLock';
          ctx.report({
            stmt,
            range: lockSiteRange(stmt, alter.relation?.location),
            messageId: 'repeated',
            data: { table: relationLabel(alter.relation), line: lineOf(ctx, earlier), lock: aLock(mode, relationLabel(alter.relation)) },
          });
          return;
        }
        // Any other statement on the table sits between the ALTERs and keeps them apart.
        for (const lock of locksOfStatement(ctx, stmt)) first.delete(lock.key);
      },
    };
  },
});
