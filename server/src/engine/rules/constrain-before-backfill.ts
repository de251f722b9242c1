/**
 * VALIDATE or SET NOT NULL (or a NOT NULL / `CHECK (c IS NOT NULL)` constraint validated at once) on a
 * column in the same migration as the backfill that fills it, or in one that runs before it. Before: the constraint fails on the rows the backfill has not filled yet. Same
 * migration: the application deployed before it still inserts rows without the column, and those
 * inserts fail from the moment the constraint holds; the constraint belongs in a later migration,
 * after the release that writes the column.
 */
import type { AlterTableCmd, RangeVar } from '@pgsql/types';
import { relationKey, relationLabel, stringList } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { updatedColumns } from '../history/mentions';
import { columnsRead } from '../schema/expressions';
import type { TextRange } from '../types';
import { defineRule, type RuleContext } from './define';
import { addedConstraint, alterTableCommands } from './helpers/alter-table-commands';
import { lineOf } from './helpers/held-locks';

interface Constrained {
  stmt: Statement;
  range: TextRange;
  what: string;
  table: string;
  tableKey: string;
  column: string;
  /** An earlier migration already backfilled the column: a later UPDATE is a fix, not its backfill. */
  backfilledEarlier: boolean;
}

/** `c IS NOT NULL` → c. */
function notNullColumn(expr: unknown): string | undefined {
  const test = (expr as { NullTest?: { nulltesttype?: string; arg?: unknown } } | undefined)?.NullTest;
  return test?.nulltesttype === 'IS_NOT_NULL' ? columnsRead(test.arg)[0] : undefined;
}

/** The columns a subcommand requires to be filled (NOT NULL, or a CHECK proving it), with how it says so. */
function constrainedColumns(ctx: RuleContext, relation: RangeVar | undefined, cmd: AlterTableCmd): { what: string; columns: string[] } | undefined {
  if (cmd.subtype === 'AT_SetNotNull' && cmd.name) return { what: 'SET NOT NULL', columns: [cmd.name] };
  if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
    const k = ctx.schema.table(relationKey(relation))?.constraints.find((c) => c.name === cmd.name);
    return k?.provesNotNull ? { what: `VALIDATE CONSTRAINT ${cmd.name}`, columns: [k.provesNotNull] } : undefined;
  }
  const constraint = addedConstraint(cmd);
  if (!constraint || constraint.skip_validation) return undefined;
  if (constraint.contype === 'CONSTR_NOTNULL') return { what: 'ADD CONSTRAINT … NOT NULL', columns: stringList(constraint.keys) };
  // A CHECK (c IS NOT NULL) added without NOT VALID is validated at once. Other CHECKs are not about
  // the column being filled, and an UPDATE of their columns is seldom the backfill they wait for.
  const column = constraint.contype === 'CONSTR_CHECK' ? notNullColumn(constraint.raw_expr) : undefined;
  return column ? { what: `ADD CONSTRAINT ${constraint.conname ?? '… CHECK'}`, columns: [column] } : undefined;
}

export default defineRule({
  id: 'constrain-before-backfill',
  meta: {
    category: 'history',
    severity: 'warning',
    summary: 'VALIDATE or SET NOT NULL on a column in the same migration as its backfill, or before it.',
    messages: {
      sameMigration:
        '{{what}} on {{table}}.{{column}} is in the same migration as the backfill that fills it (line {{line}}): the application deployed before this migration still inserts rows without {{column}}, and those inserts fail once the constraint holds.',
      beforeBackfill:
        '{{what}} on {{table}}.{{column}} runs before the backfill that fills it ({{migration}}): it fails on every row the backfill has not reached yet.',
    },
    help: 'Backfill in one migration, release the application that writes {{column}} on every insert, then constrain (NOT VALID + VALIDATE, SET NOT NULL) in a later migration.',
    fix: 'none',
    needsHistory: true,
  },
  check(ctx) {
    const constrained: Constrained[] = [];
    const backfillLines = new Map<string, number>();
    return {
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || ctx.isNewTable(alter.relation)) return;
        for (const { cmd, range } of alterTableCommands(alter, stmt)) {
          const found = constrainedColumns(ctx, alter.relation, cmd);
          const table = ctx.schema.table(relationKey(alter.relation));
          for (const column of found?.columns ?? []) {
            const model = table?.columns.get(column);
            // Inserts that leave out a column with a default get the default: they cannot break.
            if (model?.hasDefault) continue;
            constrained.push({ stmt, range: range(), what: found!.what, table: relationLabel(alter.relation), tableKey: relationKey(alter.relation), column, backfilledEarlier: model?.backfill?.origin === 'history' });
          }
        }
      },
      any(stmt) {
        if (stmt.kind !== 'UpdateStmt' && stmt.kind !== 'DoStmt') return;
        for (const u of updatedColumns([stmt])) {
          const key = `${u.table}\u0000${u.column}`;
          if (!backfillLines.has(key)) backfillLines.set(key, lineOf(ctx, stmt));
        }
      },
      end() {
        for (const c of constrained) {
          const data = { what: c.what, table: c.table, column: c.column };
          const line = backfillLines.get(`${c.tableKey}\u0000${c.column}`);
          if (line !== undefined) {
            ctx.report({ stmt: c.stmt, range: c.range, messageId: 'sameMigration', data: { ...data, line } });
            continue;
          }
          if (c.backfilledEarlier) continue;
          const later = ctx.history?.laterBackfill(c.tableKey, c.column);
          if (later) ctx.report({ stmt: c.stmt, range: c.range, messageId: 'beforeBackfill', data: { ...data, migration: later.path } });
        }
      },
    };
  },
});
