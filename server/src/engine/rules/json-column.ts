/**
 * A new `json` column: json stores text and has no equality operator, so SELECT DISTINCT (even in
 * queries that ran fine before the column existed), GROUP BY, UNION and unique indexes on it fail,
 * and every access re-parses the text. jsonb has none of these problems; json is only right when the
 * exact text (key order, duplicate keys, white space) must be kept.
 */
import type { AlterTableCmd, ColumnDef, Node } from '@pgsql/types';
import { typeBaseName } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { columnNameAndTypeRange } from './helpers/statement-spans';

function columnDef(node: Node | undefined): ColumnDef | undefined {
  return (node as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
}

export default defineRule({
  id: 'json-column',
  meta: {
    category: 'compatibility',
    severity: 'warning',
    summary: 'A new json column: json has no equality operator and is re-parsed on every access; use jsonb.',
    messages: {
      jsonColumn:
        'Column {{column}} is json, which has no equality operator: SELECT DISTINCT over the table (including queries that already run), GROUP BY, UNION and unique indexes on it fail, and every access re-parses the text.',
    },
    help: 'Use jsonb instead (binary, indexable with GIN, comparable); keep json only when the exact text, key order or duplicate keys must be preserved.',
    fix: 'autofix',
  },
  check(ctx) {
    const checkColumn = (stmt: Statement, def: ColumnDef | undefined) => {
      if (!def || typeBaseName(def.typeName) !== 'json') return;
      ctx.report({ stmt, range: columnNameAndTypeRange(stmt, def), messageId: 'jsonColumn', data: { column: def.colname ?? '?' } });
    };
    return {
      CreateStmt(create, stmt) {
        for (const element of create.tableElts ?? []) checkColumn(stmt, columnDef(element));
      },
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE') return;
        for (const c of alter.cmds ?? []) {
          const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
          if (cmd?.subtype === 'AT_AddColumn') checkColumn(stmt, columnDef(cmd.def));
        }
      },
    };
  },
});
