/**
 * DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself
 * is quick, but the lock waits behind every running query on the table and everything queues behind it.
 * An index that implements a constraint cannot be dropped this way at all: the constraint must go.
 */
import type { DropStmt, Node } from '@pgsql/types';
import { nodePayload, stringList } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { autofix, insertAfterKeyword } from '../fixes/token-edits';
import { defineRule } from './define';
import { indexOwner, tableLabel } from './helpers/index-owner';
import { rangeBeforeKeywords } from './helpers/statement-spans';

export default defineRule({
  id: 'drop-index-concurrently',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'DROP INDEX without CONCURRENTLY locks the table against reads and writes.',
    messages: {
      notConcurrent:
        'DROP INDEX {{index}} takes an {{lock}}; nothing is rewritten or scanned, but the lock waits behind every running query on the table and every later query waits behind it.',
      backsConstraint:
        'Index {{index}} implements constraint {{constraint}} on {{table}}: DROP INDEX fails on it and CONCURRENTLY is not possible. Drop the constraint instead (ALTER TABLE {{table}} DROP CONSTRAINT {{constraint}}: an {{lock}}) in a short migration with a lock_timeout.',
    },
    help: 'Use DROP INDEX CONCURRENTLY IF EXISTS, one index per statement and without CASCADE, in a migration of its own that runs outside a transaction.',
    fix: 'autofix',
  },
  check(ctx) {
    return {
      DropStmt(drop: DropStmt, stmt) {
        if (drop.removeType !== 'OBJECT_INDEX') return;
        const range = rangeBeforeKeywords(stmt, ['CASCADE', 'RESTRICT']);
        const tables = new Set<string>();
        const names: string[] = [];
        let unknownTables = 0;
        let onPartitionedTable = false;
        for (const object of drop.objects ?? []) {
          const parts = stringList(nodePayload<{ items?: Node[] }>(object)?.items);
          const owner = indexOwner(ctx.schema, parts);
          if (owner.constraint && owner.tableKey) {
            const table = tableLabel(owner.tableKey);
            const constraint = owner.constraint.name ?? parts[parts.length - 1];
            const data = { index: parts.join('.'), constraint, table, lock: describeLock('AccessExclusiveLock', table) };
            ctx.report({ stmt, range, messageId: 'backsConstraint', data });
            return;
          }
          if (owner.tableKey && ctx.isNewTable(owner.tableKey)) continue; // an index on an empty table
          names.push(parts.join('.'));
          if (owner.tableKey) tables.add(tableLabel(owner.tableKey));
          else unknownTables++;
          if (owner.tableKey && ctx.schema.table(owner.tableKey)?.partitioned === true) onPartitionedTable = true;
        }
        if (drop.concurrent || names.length === 0) return;
        if (unknownTables) tables.add(names.length > 1 ? "the indexes' tables" : "the index's table");
        const lock = describeLock('AccessExclusiveLock', [...tables].join(', '));
        // CONCURRENTLY takes one index and no CASCADE, is an error inside a transaction, and cannot drop
        // a partitioned index.
        const fixable = !ctx.inTransaction() && !onPartitionedTable && (drop.objects ?? []).length === 1 && drop.behavior !== 'DROP_CASCADE';
        const ifExists = drop.missing_ok ? '' : ' IF EXISTS';
        const fixes = fixable ? autofix(`Add CONCURRENTLY${ifExists}`, [insertAfterKeyword(stmt, 'INDEX', ` CONCURRENTLY${ifExists}`)]) : undefined;
        ctx.report({ stmt, range, messageId: 'notConcurrent', data: { index: names.join(', '), lock }, fixes });
      },
    };
  },
});
