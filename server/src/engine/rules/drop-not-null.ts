/**
 * DROP NOT NULL is instant and takes only a brief lock, but it changes the contract: once NULLs are
 * written, code that assumes the column always has a value (non-nullable types in the application,
 * reports, other services) may break.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { alterCommands } from './helpers/alter-commands';

export default defineRule({
  id: 'drop-not-null',
  meta: {
    category: 'compatibility',
    severity: 'info',
    summary: 'Dropping NOT NULL lets NULLs reach code that assumes the column always has a value.',
    messages: {
      dropNotNull:
        'DROP NOT NULL on {{column}} takes an {{lock}} (brief, no scan); once NULLs are written, readers that assume "{{column}}" always has a value may break.',
    },
    help: 'Deploy the code that tolerates NULL in {{column}} (every reader, including other services and reports) before dropping the constraint.',
    fix: 'none',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        const table = relationLabel(alter.relation);
        for (const command of alterCommands(stmt, alter)) {
          const { cmd } = command;
          if (cmd.subtype !== 'AT_DropNotNull' || !cmd.name) continue;
          ctx.report({ stmt, range: command.range, messageId: 'dropNotNull', data: { column: cmd.name, lock: describeLock('AccessExclusiveLock', table) } });
        }
      },
    };
  },
});
