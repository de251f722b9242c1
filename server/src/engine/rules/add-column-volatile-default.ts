/**
 * ADD COLUMN with a DEFAULT that must be computed per row rewrites the whole table and all of its
 * indexes under an ACCESS EXCLUSIVE lock. Since PostgreSQL 11 a constant or stable default (now(),
 * current_timestamp, 'x', 0) is stored once in the catalog instead; before 11 every non-null default
 * rewrites.
 */
import { relationLabel } from '../dialects/postgres/ast';
import { describeLock } from '../locks/modes';
import { defineRule } from './define';
import { columnsAddedToExistingTable, defaultExpression } from './helpers/alter-table-commands';
import { classifyDefault } from './helpers/default-volatility';
import { versionLabel } from './helpers/version-label';

export default defineRule({
  id: 'add-column-volatile-default',
  meta: {
    category: 'rewrite',
    severity: 'warning',
    summary: 'ADD COLUMN with a volatile DEFAULT (or any DEFAULT before PostgreSQL 11) rewrites the table.',
    messages: {
      volatileDefault:
        'ADD COLUMN {{column}} with a DEFAULT that calls the volatile {{func}} computes a value for every row: it rewrites {{table}} and all its indexes while holding an {{lock}}.',
      unknownFunctionDefault:
        'ADD COLUMN {{column}} with a DEFAULT that calls {{func}}, which is not known to be IMMUTABLE or STABLE: if it is volatile, the default rewrites {{table}} and all its indexes while holding an {{lock}}.',
      anyDefaultBeforePg11:
        'On PostgreSQL {{version}} ADD COLUMN {{column}} with a DEFAULT rewrites {{table}} and all its indexes while holding an {{lock}} (PostgreSQL 11+ stores a constant default without a rewrite).',
    },
    help: 'Add {{column}} without a default, then ALTER COLUMN {{column}} SET DEFAULT … (applies to new rows only, no rewrite); fill the existing rows with a batched backfill in a separate migration that runs outside a transaction.',
    fix: 'suggestion',
  },
  check(ctx) {
    return {
      AlterTableStmt(alter, stmt) {
        const table = relationLabel(alter.relation);
        for (const { def, command } of columnsAddedToExistingTable(ctx, alter, stmt)) {
          const expr = defaultExpression(def);
          if (expr === undefined) continue;
          const verdict = classifyDefault(expr);
          const data = { column: def.colname ?? '?', table, lock: describeLock('AccessExclusiveLock', table), func: verdict.func ?? '' };
          if (!ctx.atLeast(11)) {
            ctx.report({ stmt, range: command.range(), messageId: 'anyDefaultBeforePg11', data: { ...data, version: versionLabel(ctx.serverVersion) } });
          } else if (verdict.kind === 'volatile' || verdict.kind === 'unknown') {
            ctx.report({ stmt, range: command.range(), messageId: verdict.kind === 'volatile' ? 'volatileDefault' : 'unknownFunctionDefault', data });
          }
        }
      },
    };
  },
});
