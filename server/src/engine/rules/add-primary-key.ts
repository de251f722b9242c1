/**
 * ADD PRIMARY KEY builds its unique index inside the ALTER TABLE, under ACCESS EXCLUSIVE, and first
 * makes every key column NOT NULL: for a nullable column that is an implicit SET NOT NULL, a full
 * scan (skipped on PostgreSQL 12+ only when a validated CHECK (c IS NOT NULL) proves it). USING INDEX
 * avoids the build but not the implicit SET NOT NULL.
 */
import { relationKey, relationLabel, stringList } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import type { TableModel } from '../schema/model';
import { defineRule } from './define';
import { constraintsAddedToExistingTable } from './helpers/alter-table-commands';
import { notNullWithoutScan } from './helpers/not-null-proof';

/** Key columns that need the implicit SET NOT NULL scan; undefined when the model cannot tell. */
function nullableColumns(model: TableModel | undefined, columns: string[], atLeast12: boolean): string[] | undefined {
  if (!model || columns.length === 0 || columns.some((c) => !model.columns.has(c))) return undefined;
  return columns.filter((c) => !notNullWithoutScan(model, c, atLeast12));
}

export default defineRule({
  id: 'add-primary-key',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'ADD PRIMARY KEY without USING INDEX builds the index (and sets NOT NULL) under an ACCESS EXCLUSIVE lock.',
    messages: {
      indexBuild: '{{what}} builds a unique index on {{table}} ({{columns}}) while holding an {{lock}}, for the whole build.',
      indexBuildAndNotNull:
        '{{what}} builds a unique index on {{table}} ({{columns}}) while holding an {{lock}}, and first scans the whole table to make {{nullable}} NOT NULL.',
      indexBuildUnknownNullability:
        '{{what}} builds a unique index on {{table}} ({{columns}}) while holding an {{lock}}; a key column that is not yet NOT NULL also gets an implicit SET NOT NULL, a full scan of {{table}}.',
      usingIndexNotNull:
        '{{what}} USING INDEX {{index}} skips the index build, but first makes {{nullable}} NOT NULL: a full scan of {{table}} while holding an {{lock}}.',
    },
    help: 'Make the key columns NOT NULL with the set-not-null recipe (NOT VALID CHECK, VALIDATE, SET NOT NULL), build CREATE UNIQUE INDEX CONCURRENTLY {{index}} ON {{table}} ({{columns}}) outside a transaction, then ALTER TABLE {{table}} ADD CONSTRAINT {{index}} PRIMARY KEY USING INDEX {{index}}.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        const model = ctx.schema.table(relationKey(alter.relation));
        for (const { constraint, command } of constraintsAddedToExistingTable(ctx, alter, stmt)) {
          if (constraint.contype !== 'CONSTR_PRIMARY') continue;
          const index = constraint.indexname ?? constraint.conname ?? `${alter.relation?.relname ?? 'table'}_pkey`;
          const columns = constraint.indexname ? (model?.indexes.find((i) => i.name === constraint.indexname)?.columns ?? []) : stringList(constraint.keys);
          const nullable = nullableColumns(model, columns, ctx.atLeast(12));
          let messageId: string;
          if (constraint.indexname) {
            if (!nullable?.length) continue;
            messageId = 'usingIndexNotNull';
          } else messageId = nullable === undefined ? 'indexBuildUnknownNullability' : nullable.length ? 'indexBuildAndNotNull' : 'indexBuild';
          ctx.report({
            stmt,
            range: command.range(),
            messageId,
            data: {
              what: constraint.conname ? `ADD CONSTRAINT ${constraint.conname} PRIMARY KEY` : 'ADD PRIMARY KEY',
              table,
              columns: columns.join(', ') || '…',
              nullable: (nullable ?? []).join(', '),
              index,
              lock: describeLock('AccessExclusiveLock', table),
            },
          });
        }
      },
    };
  },
});
