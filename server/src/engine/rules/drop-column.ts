/**
 * DROP COLUMN only marks the column as dropped (no rewrite), but its data is gone for good, running
 * code that reads or writes it fails, and every index on it disappears without a word.
 */
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import type { IndexModel, TableModel } from '../schema/model';
import { defineRule } from './define';
import { alterCommands } from './helpers/alter-commands';
import { listPhrase } from './helpers/drop-objects';
import { withoutDropBehavior } from './helpers/statement-tokens';

export default defineRule({
  id: 'drop-column',
  meta: {
    category: 'data-loss',
    severity: 'warning',
    summary: 'Dropping a column deletes its data and breaks the application code that still uses it.',
    messages: {
      dropColumn:
        'DROP COLUMN {{column}} takes an {{lock}} (brief, no rewrite) and deletes the column\'s data for good; application code still reading or writing "{{column}}" fails once this commits.',
      dropColumnWithIndexes:
        'DROP COLUMN {{column}} takes an {{lock}} (brief, no rewrite), deletes the column\'s data for good and silently drops {{indexes}}; application code still reading or writing "{{column}}" fails once this commits.',
    },
    help:
      'Drop a column only after a release in which the application no longer reads or writes it (tell the ORM to ignore it first); recreate any index you still need on other columns.',
    fix: 'none',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        const label = relationLabel(alter.relation);
        const table = ctx.schema.table(relationKey(alter.relation));
        for (const { cmd, range } of alterCommands(stmt, alter)) {
          if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) continue;
          const column = cmd.name;
          const indexes = (table?.indexes ?? []).filter((i) => i.columns.includes(column)).map((i) => indexLabel(i, table!));
          ctx.report({
            stmt,
            range: withoutDropBehavior(stmt, range),
            messageId: indexes.length ? 'dropColumnWithIndexes' : 'dropColumn',
            data: { column, lock: describeLock('AccessExclusiveLock', label), indexes: listPhrase(indexes) },
          });
        }
      },
    };
  },
});

function indexLabel(index: IndexModel, table: TableModel): string {
  if (index.name) return `index ${index.name}`;
  const columns = index.columns.join(', ');
  const primary = table.constraints.some((k) => k.kind === 'primary-key' && k.columns.join(', ') === columns);
  return primary ? `the primary key's index on (${columns})` : `the ${index.unique ? 'unique ' : ''}index on (${columns})`;
}
