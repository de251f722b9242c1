/**
 * DROP COLUMN only marks the column as dropped (no rewrite), but its data is gone for good, running
 * code that reads or writes it fails, and every index on it disappears without a word. With the
 * replayed history the rule also knows what else uses the column: views, generated columns, declared
 * trigger columns and foreign keys make PostgreSQL refuse (or CASCADE drop them silently), and a
 * trigger function whose body uses NEW.column makes every later write to the table fail.
 */
import type { Statement } from '../dialects/postgres/statement';
import { relationKey, relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { columnDependents, refusingDependents } from '../schema/dependents';
import type { IndexModel, TableModel } from '../schema/model';
import type { TextRange } from '../types';
import { defineRule } from './define';
import { alterCommands } from './helpers/alter-commands';
import { listPhrase } from './helpers/drop-objects';
import { tableLabel } from './helpers/index-owner';
import { withoutDropBehavior } from './helpers/statement-tokens';

interface PendingTrigger {
  stmt: Statement;
  range: TextRange;
  tableKey: string;
  table: string;
  column: string;
  trigger: string;
}

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
      dependentsRefuse:
        'PostgreSQL refuses this DROP COLUMN: {{dependents}} still depend on {{table}}.{{column}} ("cannot drop column {{column}} of table {{table}} because other objects depend on it"). Drop or change them first, in this migration; CASCADE would drop them without a word.',
      cascadeDropsDependents: 'DROP COLUMN {{column}} … CASCADE also silently drops {{dependents}}, which depend on {{table}}.{{column}}.',
      triggerBody:
        'Trigger {{trigger}} on {{table}} calls {{function}}(), whose body still uses NEW.{{column}} or OLD.{{column}}: PostgreSQL does not track that and drops the column, and from then on every {{events}} on {{table}} fails (record "new" has no field "{{column}}"). Replace or drop the trigger in this migration, before the column.',
    },
    help:
      'Drop a column only after a release in which the application no longer reads or writes it (tell the ORM to ignore it first); recreate any index you still need on other columns.',
    fix: 'none',
  },
  check(ctx) {
    const pending: PendingTrigger[] = [];
    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        const label = relationLabel(alter.relation);
        const tableKey = relationKey(alter.relation);
        const table = ctx.schema.table(tableKey);
        for (const command of alterCommands(stmt, alter)) {
          const { cmd } = command;
          if (cmd.subtype !== 'AT_DropColumn' || !cmd.name) continue;
          const range = command.range;
          const column = cmd.name;
          const dependents = columnDependents(ctx.schema, tableKey, column);
          const indexes = dependents.indexes.map((i) => indexLabel(i, table!));
          const clause = withoutDropBehavior(stmt, range);
          ctx.report({
            stmt,
            range: clause,
            messageId: indexes.length ? 'dropColumnWithIndexes' : 'dropColumn',
            data: { column, lock: describeLock('AccessExclusiveLock', label), indexes: listPhrase(indexes) },
          });
          const refusing = refusingDependents(dependents, tableLabel);
          if (refusing.length) {
            const cascade = cmd.behavior === 'DROP_CASCADE';
            ctx.report({ stmt, range: cascade ? range : clause, messageId: cascade ? 'cascadeDropsDependents' : 'dependentsRefuse', data: { column, table: label, dependents: listPhrase(refusing) } });
          }
          for (const { trigger } of dependents.bodyTriggers) pending.push({ stmt, range: clause, tableKey, table: label, column, trigger: trigger.name });
        }
      },
      end() {
        // Only a trigger still in place (with the same body) once the whole migration has run breaks writes.
        for (const p of pending) {
          const trigger = ctx.schema.triggersOn(p.tableKey).find((t) => t.name === p.trigger);
          const fn = trigger ? ctx.schema.functions.get(trigger.function) : undefined;
          const body = fn?.body;
          if (!trigger || !body || ![...body.newReads, ...body.newWrites, ...body.oldReads].includes(p.column)) continue;
          const events = trigger.events.filter((e) => e !== 'truncate').map((e) => e.toUpperCase());
          ctx.report({
            stmt: p.stmt,
            range: p.range,
            messageId: 'triggerBody',
            data: { trigger: trigger.name, table: p.table, function: tableLabel(trigger.function), column: p.column, events: events.join(' or ') || 'write' },
          });
        }
      },
    };
  },
});

function indexLabel(index: IndexModel, table: TableModel): string {
  if (index.name && !index.generatedName) return `index ${index.name}`;
  const columns = index.columns.join(', ');
  const primary = table.constraints.some((k) => k.kind === 'primary-key' && k.columns.join(', ') === columns);
  return primary ? `the primary key's index on (${columns})` : `the ${index.unique ? 'unique ' : ''}index on (${columns})`;
}
