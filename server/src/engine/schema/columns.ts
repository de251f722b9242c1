/**
 * Columns and constraints as CREATE TABLE and ALTER TABLE … ADD define them.
 */
import type { ColumnDef, Constraint, Node } from '@pgsql/types';
import { relationKey, stringList, typeLabel } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import { columnDefault, columnsRead } from './expressions';
import type { ColumnModel, ConstraintKind, ConstraintModel, TableModel } from './objects';

export function addColumn(a: Applier, table: TableModel, def: ColumnDef): ColumnModel {
  const name = def.colname ?? '';
  const column: ColumnModel = { name, type: typeLabel(def.typeName), notNull: false, hasDefault: false, origin: a.origin };
  if (a.by) column.addedBy = a.by;
  if (def.collClause) column.collation = stringList(def.collClause.collname).join('.');
  table.columns.set(name, column);
  a.touch(table.key, column);
  a.touch(table.key, table);
  // An inline DEFAULT is applied by PostgreSQL after the other column constraints are known.
  for (const c of def.constraints ?? []) {
    const constraint = (c as { Constraint?: Constraint }).Constraint;
    if (constraint) applyColumnConstraint(a, table, column, constraint);
  }
  if (def.raw_default) setDefault(column, def.raw_default);
  if (/serial[248]?$/.test(column.type)) {
    // serial: an integer with a sequence owned by the column and a nextval() default.
    const sequence = `${table.key}_${name}_seq`;
    column.hasDefault = true;
    column.default = { label: `nextval('${sequence.replace(/^public\./, '')}'::regclass)`, volatility: 'volatile' };
    column.notNull = true;
    a.model.sequences.set(sequence, { key: sequence, ownedBy: { table: table.key, column: name }, origin: a.origin });
    a.touch(sequence);
  }
  return column;
}

function applyColumnConstraint(a: Applier, table: TableModel, column: ColumnModel, constraint: Constraint): void {
  switch (constraint.contype) {
    case 'CONSTR_NOTNULL':
      column.notNull = true;
      return;
    case 'CONSTR_NULL':
      column.notNull = false;
      return;
    case 'CONSTR_DEFAULT':
      setDefault(column, constraint.raw_expr);
      return;
    case 'CONSTR_IDENTITY':
      column.hasDefault = true;
      column.notNull = true;
      column.identity = constraint.generated_when === 'a' ? 'always' : 'by-default';
      return;
    case 'CONSTR_GENERATED':
      column.hasDefault = true;
      column.generated = { kind: constraint.generated_kind === 'v' ? 'virtual' : 'stored', reads: columnsRead(constraint.raw_expr) };
      return;
    default:
      if (constraint.contype === 'CONSTR_PRIMARY') column.notNull = true;
      addConstraint(a, table, constraint, [column.name]);
  }
}

export function setDefault(column: ColumnModel, expr: Node | undefined): void {
  column.default = columnDefault(expr);
  column.hasDefault = column.default !== undefined;
}

const KIND_OF: Partial<Record<string, ConstraintKind>> = {
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_EXCLUSION: 'exclusion',
};

/** Adds a table constraint; for unique / primary key / exclusion also the index that enforces it. */
export function addConstraint(a: Applier, table: TableModel, c: Constraint, inlineColumns: string[]): void {
  if (c.contype === 'CONSTR_NOTNULL') {
    addNotNullConstraint(a, table, c);
    return;
  }
  const kind = c.contype ? KIND_OF[c.contype] : undefined;
  if (!kind) return;
  // `… USING INDEX i` names no columns: they are the index's.
  const usedIndex = c.indexname ? table.indexes.find((i) => i.name === c.indexname) : undefined;
  let columns: string[];
  if (kind === 'foreign-key') columns = stringList(c.fk_attrs);
  else if (kind === 'check') columns = columnsRead(c.raw_expr);
  else if (kind === 'exclusion') columns = exclusionColumns(c);
  else columns = c.keys ? stringList(c.keys) : (usedIndex?.columns ?? inlineColumns);
  const generatedName = c.conname === undefined ? defaultConstraintName(table, kind, columns.length ? columns : inlineColumns) : undefined;
  const model: ConstraintModel = {
    name: c.conname ?? generatedName,
    ...(generatedName ? { generatedName: true } : {}),
    kind,
    columns: columns.length ? columns : inlineColumns,
    validated: !c.skip_validation,
    origin: a.origin,
  };
  if (kind === 'check') model.provesNotNull = notNullCheckColumn(c.raw_expr);
  if (kind === 'foreign-key' && c.pktable) {
    model.references = relationKey(c.pktable);
    const referenced = stringList(c.pk_attrs);
    if (referenced.length) model.referencedColumns = referenced;
  }
  table.constraints.push(model);
  a.touch(table.key, model);
  a.touch(table.key, table);
  // A primary key makes its columns NOT NULL (PostgreSQL sets it implicitly).
  if (kind === 'primary-key') {
    for (const name of model.columns) {
      const column = table.columns.get(name);
      if (column) column.notNull = true;
    }
  }
  if (kind === 'primary-key' || kind === 'unique' || kind === 'exclusion') {
    if (usedIndex) {
      // PostgreSQL renames the index to the constraint's name.
      usedIndex.constraint = model.name;
      if (model.name && usedIndex.name !== model.name) renameIndex(a, table, usedIndex.name, model.name);
      model.index = usedIndex.name;
    } else {
      const index = c.indexname ?? model.name;
      model.index = index;
      const generated = c.indexname === undefined && model.generatedName;
      table.indexes.push({
        name: index,
        ...(generated ? { generatedName: true } : {}),
        columns: model.columns,
        unique: kind !== 'exclusion',
        origin: a.origin,
        constraint: model.name,
        ...(a.by ? { changedBy: a.by } : {}),
      });
      if (index) a.model.indexTables.set(`${schemaOf(table.key)}.${index}`, table.key);
    }
  }
}

function exclusionColumns(c: Constraint): string[] {
  const out: string[] = [];
  for (const pair of c.exclusions ?? []) {
    const element = ((pair as { List?: { items?: Node[] } }).List?.items ?? [])[0] as { IndexElem?: { name?: string } } | undefined;
    if (element?.IndexElem?.name) out.push(element.IndexElem.name);
  }
  return out;
}

export function renameIndex(a: Applier, table: TableModel, from: string | undefined, to: string): void {
  const schema = schemaOf(table.key);
  if (from) a.model.indexTables.delete(`${schema}.${from}`);
  a.model.indexTables.set(`${schema}.${to}`, table.key);
  for (const index of table.indexes) if (index.name === from && from !== undefined) index.name = to;
}

export const schemaOf = (key: string): string => key.slice(0, key.indexOf('.'));

/** PostgreSQL's longest identifier: longer default names are truncated in ways not worth guessing. */
const MAX_NAME = 63;

/** PostgreSQL's default names: `users_pkey`, `users_email_key`, `users_org_id_fkey`, `users_age_check`. */
function defaultConstraintName(table: TableModel, kind: ConstraintKind, columns: string[]): string | undefined {
  const base = table.key.slice(table.key.indexOf('.') + 1);
  const suffix = { 'primary-key': 'pkey', unique: 'key', 'foreign-key': 'fkey', check: 'check', exclusion: 'excl', 'not-null': 'not_null' }[kind];
  const name = kind === 'primary-key' ? `${base}_pkey` : `${[base, ...columns.slice(0, kind === 'check' ? 1 : columns.length)].join('_')}_${suffix}`;
  return name.length <= MAX_NAME ? name : undefined;
}

/** `ADD CONSTRAINT n NOT NULL c [NOT VALID]` (PostgreSQL 18): a named NOT NULL that may still be unvalidated. */
function addNotNullConstraint(a: Applier, table: TableModel, c: Constraint): void {
  const column = stringList(c.keys)[0];
  if (!column) return;
  const validated = !c.skip_validation;
  table.constraints.push({ name: c.conname, kind: 'not-null', columns: [column], validated, provesNotNull: column, origin: a.origin, ...(a.by ? { changedBy: a.by } : {}) });
  const model = table.columns.get(column);
  if (model && validated) model.notNull = true;
  a.touch(table.key, table);
}

/** `CHECK (c IS NOT NULL)` → 'c'. */
function notNullCheckColumn(expr: Node | undefined): string | undefined {
  const test = (expr as { NullTest?: { nulltesttype?: string; arg?: Node } } | undefined)?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const ref = (test.arg as { ColumnRef?: { fields?: Node[] } } | undefined)?.ColumnRef;
  const names = stringList(ref?.fields);
  return names[names.length - 1];
}
