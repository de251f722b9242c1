/**
 * A new `json` column: json stores text and has no equality operator, so SELECT DISTINCT (even in
 * queries that ran fine before the column existed), GROUP BY, UNION and unique indexes on it fail,
 * and every access re-parses the text. jsonb has none of these problems; json is only right when the
 * exact text (key order, duplicate keys, white space) must be kept.
 */
import type { AlterTableCmd, ColumnDef, Node } from '@pgsql/types';
import { typeBaseName } from '../dialects/postgres/ast';
import type { Statement } from '../dialects/postgres/statement';
import { autofix, replaceTokenAt } from '../fixes/token-edits';
import type { Fix } from '../types';
import { defineRule } from './define';
import { columnNameAndTypeRange } from './helpers/statement-spans';

function columnDef(node: Node | undefined): ColumnDef | undefined {
  return (node as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef;
}

/** json → jsonb in the column's type (arrays too), when the type is written as a bare `json` or `"json"`. */
function toJsonb(stmt: Statement, def: ColumnDef): Fix[] | undefined {
  const type = def.typeName;
  // Unqualified json parses as pg_catalog.json; a written schema puts its own name at the location and gets no fix.
  if (!type || type.location === undefined) return undefined;
  return autofix('Use jsonb', [replaceTokenAt(stmt, stmt.offsetOf(type.location), 'json', 'jsonb')]);
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
      ctx.report({ stmt, range: columnNameAndTypeRange(stmt, def), messageId: 'jsonColumn', data: { column: def.colname ?? '?' }, fixes: toJsonb(stmt, def) });
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
