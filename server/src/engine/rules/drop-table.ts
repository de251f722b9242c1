/**
 * DROP TABLE deletes the table and every row in it. It also takes an ACCESS EXCLUSIVE lock on each
 * table it references by a foreign key (to remove the constraint's triggers there), and running code
 * that still queries the table fails.
 */
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { droppedObjects, listPhrase } from './helpers/drop-objects';
import { withoutDropBehavior } from './helpers/statement-tokens';

export default defineRule({
  id: 'drop-table',
  meta: {
    category: 'data-loss',
    severity: 'warning',
    summary: 'Dropping a table deletes its data and breaks the application code that still uses it.',
    messages: {
      dropTable:
        'DROP TABLE deletes {{tables}} with every row in it, taking an {{lock}} (and on each table it references by a foreign key); application code still using {{tables}} fails once this commits.',
      dropTables:
        'DROP TABLE deletes {{tables}} with every row in them, taking an {{lock}} (and on each table they reference by a foreign key); application code still using them fails once this commits.',
    },
    help: 'Drop a table only after a release in which the application no longer uses it, and keep a backup (or rename it aside first) if its data may be needed.',
    fix: 'none',
  },
  check(ctx) {
    return {
      DropStmt(drop, stmt) {
        if (drop.removeType !== 'OBJECT_TABLE') return;
        // Tables created earlier in this file hold no data and no running code uses them.
        const existing = droppedObjects(drop).filter((t) => !ctx.isNewTable(t.key));
        if (existing.length === 0) return;
        const tables = listPhrase(existing.map((t) => t.label));
        ctx.report({
          stmt,
          range: withoutDropBehavior(stmt, stmt.range),
          messageId: existing.length === 1 ? 'dropTable' : 'dropTables',
          data: { tables, lock: describeLock('AccessExclusiveLock', tables) },
        });
      },
    };
  },
});
