/**
 * How ALTER TABLE, CREATE/DROP INDEX, DROP, RENAME and CREATE TYPE change the schema model.
 */
import type { AlterTableCmd, ColumnDef, Constraint, Node } from '@pgsql/types';
import type { Statement } from '../dialects/postgres/statement';
import { nodePayload, qualifiedKey, relationKey, stringList, typeLabel } from '../dialects/postgres/ast';
import { addColumn, addConstraint, type Origin, type SchemaModel, type TableModel } from './model';

export function applyAlterTable(model: SchemaModel, stmt: Statement, origin: Origin): void {
  const alter = stmt.as('AlterTableStmt');
  if (!alter || alter.objtype !== 'OBJECT_TABLE') return;
  const table = model.table(relationKey(alter.relation));
  if (!table) return;
  for (const c of alter.cmds ?? []) {
    const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    if (cmd) applyCommand(table, cmd, origin);
  }
}

function applyCommand(table: TableModel, cmd: AlterTableCmd, origin: Origin): void {
  const column = cmd.name ? table.columns.get(cmd.name) : undefined;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = nodePayload<ColumnDef>(cmd.def);
      if (def) addColumn(table, def, origin);
      break;
    }
    case 'AT_DropColumn':
      if (cmd.name) {
        table.columns.delete(cmd.name);
        table.constraints = table.constraints.filter((k) => !k.columns.includes(cmd.name!));
        table.indexes = table.indexes.filter((i) => !i.columns.includes(cmd.name!));
      }
      break;
    case 'AT_SetNotNull':
      if (column) column.notNull = true;
      break;
    case 'AT_DropNotNull':
      if (column) column.notNull = false;
      break;
    case 'AT_ColumnDefault':
      if (column) column.hasDefault = cmd.def !== undefined;
      break;
    case 'AT_AlterColumnType': {
      const def = nodePayload<ColumnDef>(cmd.def);
      if (column && def?.typeName) column.type = typeLabel(def.typeName);
      break;
    }
    case 'AT_AddConstraint': {
      const constraint = (cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
      if (constraint?.contype === 'CONSTR_NOTNULL') addNotNullConstraint(table, constraint, origin);
      else if (constraint) addConstraint(table, constraint, [], origin);
      break;
    }
    case 'AT_ValidateConstraint':
      for (const k of table.constraints) {
        if (k.name !== cmd.name) continue;
        k.validated = true;
        // A validated NOT NULL constraint (PostgreSQL 18) makes the column NOT NULL.
        const proven = k.kind === 'not-null' && k.provesNotNull ? table.columns.get(k.provesNotNull) : undefined;
        if (proven) proven.notNull = true;
      }
      break;
    case 'AT_DropConstraint':
      table.constraints = table.constraints.filter((k) => k.name !== cmd.name);
      break;
    default:
      break;
  }
}

export function applyMiscStatement(model: SchemaModel, stmt: Statement, origin: Origin): void {
  const index = stmt.as('IndexStmt');
  if (index) {
    const table = model.table(relationKey(index.relation));
    const columns = (index.indexParams ?? []).map((p) => (p as { IndexElem?: { name?: string } }).IndexElem?.name ?? '');
    if (table) table.indexes.push({ name: index.idxname, columns, unique: index.unique ?? false, origin });
    if (index.idxname) model.indexTables.set(`${index.relation?.schemaname ?? 'public'}.${index.idxname}`, relationKey(index.relation));
    return;
  }
  const drop = stmt.as('DropStmt');
  if (drop) {
    if (drop.removeType === 'OBJECT_TABLE') {
      for (const obj of drop.objects ?? []) model.tables.delete(qualifiedKey(stringList(nodePayload<{ items?: Node[] }>(obj)?.items)));
    }
    return;
  }
  const rename = stmt.as('RenameStmt');
  if (rename) {
    const key = relationKey(rename.relation);
    const table = model.table(key);
    if (!table || !rename.newname) return;
    if (rename.renameType === 'OBJECT_TABLE') {
      model.tables.delete(key);
      table.key = `${rename.relation?.schemaname ?? 'public'}.${rename.newname}`;
      model.tables.set(table.key, table);
    } else if (rename.renameType === 'OBJECT_COLUMN' && rename.subname) {
      const column = table.columns.get(rename.subname);
      if (column) {
        table.columns.delete(rename.subname);
        column.name = rename.newname;
        table.columns.set(rename.newname, column);
      }
    }
    return;
  }
  const ctas = stmt.as('CreateTableAsStmt');
  if (ctas) {
    // CREATE TABLE … AS: a new table whose columns come from a query the model cannot type.
    const key = relationKey(ctas.into?.rel);
    if (ctas.objtype === 'OBJECT_TABLE' && ctas.into?.rel && !(ctas.if_not_exists && model.tables.has(key))) {
      model.tables.set(key, { key, columns: new Map(), constraints: [], indexes: [], partitioned: false, origin });
    }
    return;
  }
  const createEnum = stmt.as('CreateEnumStmt');
  if (createEnum) {
    const values = (createEnum.vals ?? []).map((v) => (v as { String?: { sval?: string } }).String?.sval ?? '');
    model.enums.set(qualifiedKey(stringList(createEnum.typeName)), { values, origin });
  }
}

/** `ADD CONSTRAINT n NOT NULL c [NOT VALID]` (PostgreSQL 18): a named NOT NULL that may still be unvalidated. */
function addNotNullConstraint(table: TableModel, c: Constraint, origin: Origin): void {
  const column = stringList(c.keys)[0];
  if (!column) return;
  const validated = !c.skip_validation;
  table.constraints.push({ name: c.conname, kind: 'not-null', columns: [column], validated, provesNotNull: column, origin });
  const model = table.columns.get(column);
  if (model && validated) model.notNull = true;
}
