/**
 * ADD COLUMN … NOT NULL without a DEFAULT cannot succeed once the table holds a row: the existing rows
 * would get NULL in a NOT NULL column. It also breaks application code still running during the
 * deploy, whose INSERTs do not name the new column.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { columnConstraints, columnsAddedToExistingTable, fillsExistingRows } from './helpers/alter-table-commands';

export default defineRule({
  id: 'add-column-not-null-no-default',
  meta: {
    category: 'compatibility',
    severity: 'error',
    summary: 'ADD COLUMN … NOT NULL without a DEFAULT fails on a table that has rows and breaks running writers.',
    messages: {
      notNullNoDefault:
        'ADD COLUMN {{column}} {{constraint}} without a DEFAULT fails as soon as {{table}} holds a row (existing rows would be NULL), after waiting for an {{lock}}; application code that inserts without {{column}} breaks too.',
    },
    help: 'Add {{column}} as a nullable column (or with a constant DEFAULT on PostgreSQL 11+), backfill it in batches, then make it NOT NULL with a NOT VALID CHECK ({{column}} IS NOT NULL), VALIDATE CONSTRAINT and SET NOT NULL.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { def, command } of columnsAddedToExistingTable(ctx, alter, stmt)) {
          const notNull = columnConstraints(def).find((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
          // Identity, generated, serial and defaulted columns give every existing row a value.
          if (!notNull || fillsExistingRows(def)) continue;
          ctx.report({
            stmt,
            range: command.range(),
            messageId: 'notNullNoDefault',
            data: {
              column: def.colname ?? '?',
              constraint: notNull.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'NOT NULL',
              table,
              lock: describeLock('AccessExclusiveLock', table),
            },
          });
        }
      },
    };
  },
});
