/**
 * TRUNCATE empties a table at once under an ACCESS EXCLUSIVE lock; with CASCADE it also empties every
 * table that has a foreign key to it, which the migration's author may not have in mind.
 */
import type { RangeVar } from '@pgsql/types';
import { relationLabel } from '../dialects/postgres/ast';
import { headRange } from '../dialects/postgres/ranges';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';

export default defineRule({
  id: 'truncate',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'TRUNCATE takes an ACCESS EXCLUSIVE lock and empties the table; CASCADE empties referencing tables too.',
    messages: {
      truncate:
        'TRUNCATE deletes every row of {{tables}} at once, under an {{lock}}; nothing is scanned, but the lock waits behind every running query on the table and every later query waits behind it.',
      cascade:
        'TRUNCATE … CASCADE deletes every row of {{tables}}, and of every table with a foreign key to them (recursively), under an {{lock}}; each referencing table gets the same lock and loses all its rows too.',
    },
    help: 'Delete the rows in batches from a background job (DELETE … WHERE id BETWEEN …) instead of in a migration, and name each table to empty explicitly rather than relying on CASCADE.',
    fix: 'none',
  },
  check(ctx) {
    return {
      TruncateStmt(truncate, stmt) {
        const relations = (truncate.relations ?? []).map((r) => (r as { RangeVar?: RangeVar }).RangeVar);
        const existing = relations.filter((rv) => rv && !ctx.isNewTable(rv));
        if (existing.length === 0) return;
        const tables = existing.map(relationLabel).join(', ');
        const range = headRange(stmt, relations[relations.length - 1]?.location);
        const messageId = truncate.behavior === 'DROP_CASCADE' ? 'cascade' : 'truncate';
        ctx.report({ stmt, range, messageId, data: { tables, lock: describeLock('AccessExclusiveLock', tables) } });
      },
    };
  },
});
