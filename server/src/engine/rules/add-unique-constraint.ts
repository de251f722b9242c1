/**
 * ADD CONSTRAINT … UNIQUE builds its unique index inside the ALTER TABLE, under ACCESS EXCLUSIVE, for
 * the whole build. Building the index CONCURRENTLY first and attaching it with USING INDEX takes the
 * strong lock only for a catalog update.
 */
import { relationLabel, stringList } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { constraintsAddedToExistingTable } from './helpers/alter-table-commands';

export default defineRule({
  id: 'add-unique-constraint',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ADD CONSTRAINT … UNIQUE without USING INDEX builds the index under an ACCESS EXCLUSIVE lock.',
    messages: {
      unique: '{{what}} builds a unique index on {{table}} ({{columns}}) while holding an {{lock}}, for the whole build.',
    },
    help: 'Migration 1, outside a transaction: CREATE UNIQUE INDEX CONCURRENTLY {{index}} ON {{table}} ({{columns}}). Migration 2: ALTER TABLE {{table}} ADD CONSTRAINT {{index}} UNIQUE USING INDEX {{index}} (a brief catalog update).',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { constraint, command } of constraintsAddedToExistingTable(ctx, alter, stmt)) {
          if (constraint.contype !== 'CONSTR_UNIQUE' || constraint.indexname) continue;
          const columns = stringList(constraint.keys);
          ctx.report({
            stmt,
            range: command.range(),
            messageId: 'unique',
            data: {
              what: constraint.conname ? `ADD CONSTRAINT ${constraint.conname} UNIQUE` : 'ADD UNIQUE',
              table,
              columns: columns.join(', '),
              index: constraint.conname ?? `${alter.relation?.relname ?? 'table'}_${columns.join('_')}_key`,
              lock: describeLock('AccessExclusiveLock', table),
            },
          });
        }
      },
    };
  },
});
