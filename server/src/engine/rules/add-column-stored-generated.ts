/**
 * ADD COLUMN … GENERATED ALWAYS AS (…) STORED computes and stores the expression for every existing
 * row: a rewrite of the table and its indexes under ACCESS EXCLUSIVE. PostgreSQL 18's VIRTUAL generated
 * columns are computed on read and need no rewrite.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { columnConstraints, columnsAddedToExistingTable } from './helpers/alter-table-commands';

export default defineRule({
  id: 'add-column-stored-generated',
  meta: {
    category: 'rewrite',
    severity: 'warning',
    summary: 'ADD COLUMN … GENERATED ALWAYS AS (…) STORED on an existing table rewrites it.',
    messages: {
      storedGenerated:
        'ADD COLUMN {{column}} GENERATED … STORED computes {{column}} for every existing row: it rewrites {{table}} and all its indexes while holding an {{lock}}.',
      storedGeneratedVirtualAvailable:
        'ADD COLUMN {{column}} GENERATED … STORED computes {{column}} for every existing row: it rewrites {{table}} and all its indexes while holding an {{lock}}; a VIRTUAL generated column (PostgreSQL 18) needs no rewrite.',
    },
    help: 'Use a VIRTUAL generated column where the server has it (PostgreSQL 18); otherwise add {{column}} as a plain nullable column, keep it up to date with a trigger, and backfill the existing rows in batches.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { def, command } of columnsAddedToExistingTable(ctx, alter, stmt)) {
          // generated_kind 's' is STORED; 'v' (VIRTUAL, the default from PostgreSQL 18) stores nothing.
          const stored = columnConstraints(def).some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v');
          if (!stored) continue;
          ctx.report({
            stmt,
            range: command.range(),
            messageId: ctx.atLeast(18) ? 'storedGeneratedVirtualAvailable' : 'storedGenerated',
            data: { column: def.colname ?? '?', table, lock: describeLock('AccessExclusiveLock', table) },
          });
        }
      },
    };
  },
});
