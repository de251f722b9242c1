/**
 * A foreign key needs an index on its referencing columns, or every DELETE (and key UPDATE) on the
 * referenced table scans the referencing table to find dependent rows, holding its locks while it
 * does. Indexes created later in the same file count, so the check runs at the end of the file, against
 * the model as the whole file leaves it; so does an index a later migration of the history builds (it
 * must: CREATE INDEX CONCURRENTLY cannot share the transaction of the migration adding the key). Only
 * tables the model knows are checked: for an unknown table the existing indexes are unknown.
 */
import type { AlterTableCmd, ColumnDef, Constraint, RangeVar } from '@pgsql/types';
import { relationKey, relationLabel, stringList } from '../dialects/postgres/ast';
import { clauseRange } from '../dialects/postgres/ranges';
import type { Statement } from '../dialects/postgres/statement';
import { defineRule } from './define';
import { hasIndexLeadingWith } from './helpers/leading-index';

interface ForeignKey {
  stmt: Statement;
  /** Where the constraint is written: a parse-tree location, turned into a range only when reported. */
  location: number | undefined;
  tableKey: string;
  table: string;
  columns: string[];
  parent: string;
}

function asConstraint(node: unknown): Constraint | undefined {
  return (node as { Constraint?: Constraint } | undefined)?.Constraint;
}

export default defineRule({
  id: 'fk-missing-index',
  meta: {
    category: 'locking',
    severity: 'warning',
    summary: 'A foreign key whose columns do not lead any index makes deletes on the referenced table scan the referencing one.',
    messages: {
      missingIndex:
        'No index on {{table}} starts with ({{columns}}): every DELETE or key UPDATE on {{parent}} scans all of {{table}} for referencing rows (an ON DELETE CASCADE once per deleted row).',
    },
    help: 'Create an index on {{table}} ({{columns}}) with CREATE INDEX CONCURRENTLY in a migration of its own that runs outside a transaction.',
    fix: 'suggestion',
  },
  check(ctx) {
    const pending: ForeignKey[] = [];
    const collect = (stmt: Statement, relation: RangeVar | undefined, constraint: Constraint | undefined, location: number | undefined, column?: string) => {
      if (constraint?.contype !== 'CONSTR_FOREIGN') return;
      const columns = column ? [column] : stringList(constraint.fk_attrs);
      pending.push({ stmt, location, tableKey: relationKey(relation), table: relationLabel(relation), columns, parent: relationLabel(constraint.pktable) });
    };
    // An inline REFERENCES is marked on its whole column definition.
    const collectColumn = (stmt: Statement, relation: RangeVar | undefined, def: ColumnDef | undefined) => {
      for (const c of def?.constraints ?? []) collect(stmt, relation, asConstraint(c), def?.location, def?.colname);
    };

    return {
      CreateStmt(create, stmt) {
        for (const element of create.tableElts ?? []) {
          const def = (element as { ColumnDef?: ColumnDef }).ColumnDef;
          if (def) collectColumn(stmt, create.relation, def);
          const constraint = asConstraint(element);
          if (constraint) collect(stmt, create.relation, constraint, constraint.location);
        }
      },
      AlterTableStmt(alter, stmt) {
        if (alter.objtype !== 'OBJECT_TABLE' || !ctx.schema.table(relationKey(alter.relation))) return;
        for (const c of alter.cmds ?? []) {
          const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
          if (cmd?.subtype === 'AT_AddColumn') collectColumn(stmt, alter.relation, (cmd.def as { ColumnDef?: ColumnDef } | undefined)?.ColumnDef);
          const constraint = cmd?.subtype === 'AT_AddConstraint' ? asConstraint(cmd.def) : undefined;
          if (constraint) collect(stmt, alter.relation, constraint, constraint.location);
        }
      },
      any(stmt) {
        // Follow renames so that the end-of-file check looks at the table under its final name.
        const rename = stmt.as('RenameStmt');
        if (rename?.renameType !== 'OBJECT_TABLE' || !rename.newname) return;
        const from = relationKey(rename.relation);
        const to = `${rename.relation?.schemaname ?? 'public'}.${rename.newname}`;
        for (const fk of pending) if (fk.tableKey === from) fk.tableKey = to;
      },
      end() {
        for (const fk of pending) {
          // The table as the whole file leaves it; a dropped table has nothing left to index.
          const table = ctx.schema.table(fk.tableKey);
          if (!table || hasIndexLeadingWith(table, fk.columns) || ctx.history?.laterIndex(fk.tableKey, fk.columns)) continue;
          const data = { table: fk.table, columns: fk.columns.join(', '), parent: fk.parent };
          ctx.report({ stmt: fk.stmt, range: clauseRange(fk.stmt, fk.location), messageId: 'missingIndex', data });
        }
      },
    };
  },
});
