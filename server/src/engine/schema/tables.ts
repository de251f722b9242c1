/**
 * Tables on the model: CREATE TABLE (with LIKE, INHERITS, PARTITION OF and PARTITION BY), CREATE TABLE
 * AS and SELECT INTO, partitions attached and detached, and a table's key changing (RENAME, SET SCHEMA)
 * or the table going away, which every object pointing at it must follow.
 */
import type { ColumnDef, Constraint, CreateStmt, CreateTableAsStmt, Node, PartitionBoundSpec, PartitionCmd, RangeVar, SelectStmt, TableLikeClause } from '@pgsql/types';
import { nodeKind, nodePayload, relationKey } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import { deepCopy } from './clone';
import { addColumn, addConstraint } from './columns';
import { expressionLabel } from './expressions';
import { newTableModel, type ColumnModel, type TableModel } from './objects';
import { createView, dropView, queryColumns } from './views';

/** CREATE TABLE … (LIKE t INCLUDING …) option bits (PostgreSQL's CreateTableLikeOption). */
const LIKE_CONSTRAINTS = 1 << 2;
const LIKE_DEFAULTS = 1 << 3;
const LIKE_GENERATED = 1 << 4;
const LIKE_IDENTITY = 1 << 5;
const LIKE_INDEXES = 1 << 6;

export function applyCreateTable(a: Applier, create: CreateStmt): void {
  const key = relationKey(create.relation);
  if (create.if_not_exists && a.model.tables.has(key)) return;
  const table = newTableModel(key, a.origin);
  table.partitioned = create.partspec !== undefined;
  if (create.relation?.relpersistence === 'u') table.unlogged = true;
  const parents = (create.inhRelations ?? []).map((n) => relationKey(nodePayload<RangeVar>(n)));
  if (create.partbound) {
    table.partitionOf = parents[0];
    table.partitionBound = boundLabel(create.partbound);
  } else if (parents.length) table.inherits = parents;
  if (create.ofTypename) a.unhandled('CreateStmt OF type');
  for (const parentKey of parents) {
    const parent = a.model.table(parentKey);
    for (const column of parent?.columns.values() ?? []) inheritColumn(a, table, column, true);
  }
  a.model.tables.set(key, table);
  a.touch(key, table);
  for (const element of create.tableElts ?? []) {
    const kind = nodeKind(element);
    if (kind === 'ColumnDef') addOrMergeColumn(a, table, nodePayload<ColumnDef>(element)!);
    else if (kind === 'Constraint') addConstraint(a, table, nodePayload<Constraint>(element)!, []);
    else if (kind === 'TableLikeClause') copyLike(a, table, nodePayload<TableLikeClause>(element)!);
  }
}

/** A partition's `col WITH OPTIONS NOT NULL` or an inherited column declared again: constraints on the existing column. */
function addOrMergeColumn(a: Applier, table: TableModel, def: ColumnDef): void {
  const existing = table.columns.get(def.colname ?? '');
  if (!existing) {
    addColumn(a, table, def);
    return;
  }
  const type = existing.type;
  const merged = addColumn(a, table, { ...def, typeName: def.typeName });
  if (!def.typeName) merged.type = type;
  merged.notNull ||= existing.notNull;
  if (!merged.hasDefault && existing.default) {
    merged.default = existing.default;
    merged.hasDefault = true;
  }
}

function inheritColumn(a: Applier, table: TableModel, column: ColumnModel, withDefaults: boolean): void {
  const copy = deepCopy(column);
  copy.origin = a.origin;
  delete copy.backfill;
  delete copy.addedBy;
  if (a.by) copy.addedBy = copy.changedBy = a.by;
  if (!withDefaults) {
    delete copy.default;
    copy.hasDefault = copy.identity !== undefined || copy.generated !== undefined;
  }
  table.columns.set(copy.name, copy);
}

function copyLike(a: Applier, table: TableModel, like: TableLikeClause): void {
  const source = a.model.table(relationKey(like.relation));
  if (!source) return;
  const options = like.options ?? 0;
  for (const column of source.columns.values()) {
    inheritColumn(a, table, column, (options & LIKE_DEFAULTS) !== 0);
    const copy = table.columns.get(column.name)!;
    if (!(options & LIKE_IDENTITY)) delete copy.identity;
    if (!(options & LIKE_GENERATED)) delete copy.generated;
    copy.hasDefault = copy.default !== undefined || copy.identity !== undefined || copy.generated !== undefined;
  }
  if (options & LIKE_CONSTRAINTS) {
    for (const k of source.constraints) if (k.kind === 'check' || k.kind === 'not-null') table.constraints.push({ ...deepCopy(k), origin: a.origin });
  }
  if (options & LIKE_INDEXES) {
    // PostgreSQL names the copies itself; the model keeps them unnamed.
    for (const i of source.indexes) table.indexes.push({ ...deepCopy(i), name: undefined, origin: a.origin });
    for (const k of source.constraints) if (k.kind === 'primary-key' || k.kind === 'unique' || k.kind === 'exclusion') table.constraints.push({ ...deepCopy(k), name: undefined, origin: a.origin });
  }
}

/** `FOR VALUES FROM (1) TO (10)`, `FOR VALUES IN ('a')`, `DEFAULT`. */
function boundLabel(bound: PartitionBoundSpec): string {
  const list = (nodes: Node[] | undefined) => (nodes ?? []).map((n) => expressionLabel(n)).join(', ');
  if (bound.is_default) return 'DEFAULT';
  if (bound.strategy === 'l') return `FOR VALUES IN (${list(bound.listdatums)})`;
  if (bound.strategy === 'h') return `FOR VALUES WITH (MODULUS ${bound.modulus ?? 0}, REMAINDER ${bound.remainder ?? 0})`;
  return `FOR VALUES FROM (${list(bound.lowerdatums)}) TO (${list(bound.upperdatums)})`;
}

export function attachPartition(a: Applier, parent: TableModel, cmd: PartitionCmd | undefined): void {
  const child = a.model.table(relationKey(cmd?.name));
  if (!child) return;
  child.partitionOf = parent.key;
  if (cmd?.bound) child.partitionBound = boundLabel(cmd.bound);
  a.touch(child.key, child);
  a.touch(parent.key, parent);
}

export function detachPartition(a: Applier, parent: TableModel, cmd: PartitionCmd | undefined): void {
  const child = a.model.table(relationKey(cmd?.name));
  if (!child || child.partitionOf !== parent.key) return;
  delete child.partitionOf;
  delete child.partitionBound;
  a.touch(child.key, child);
  a.touch(parent.key, parent);
}

export function applyCreateTableAs(a: Applier, ctas: CreateTableAsStmt): void {
  const key = relationKey(ctas.into?.rel);
  if (!ctas.into?.rel) return;
  if (ctas.objtype === 'OBJECT_MATVIEW') {
    if (!(ctas.if_not_exists && a.model.views.has(key))) createView(a, key, ctas.query, ctas.into.colNames, true);
    return;
  }
  if (ctas.objtype !== 'OBJECT_TABLE') {
    a.unhandled(`CreateTableAsStmt ${String(ctas.objtype)}`);
    return;
  }
  if (ctas.if_not_exists && a.model.tables.has(key)) return;
  createTableFromQuery(a, key, ctas.query, ctas.into.colNames);
}

/** SELECT … INTO t: a new table; any other SELECT leaves the schema alone. */
export function applySelectInto(a: Applier, select: SelectStmt): void {
  if (select.intoClause?.rel) createTableFromQuery(a, relationKey(select.intoClause.rel), { SelectStmt: { ...select, intoClause: undefined } }, select.intoClause.colNames);
}

/**
 * A table whose columns come from a query. Columns copied straight from a known table keep its type;
 * the others are left out, because a guessed type would mislead the rules that compare types.
 */
function createTableFromQuery(a: Applier, key: string, query: Node | undefined, names: Node[] | undefined): void {
  const table = newTableModel(key, a.origin);
  for (const column of queryColumns(a.model, query, names)) {
    const source = column.source ? a.model.table(column.source.table)?.columns.get(column.source.column) : undefined;
    if (source) table.columns.set(column.name, { name: column.name, type: source.type, notNull: false, hasDefault: false, origin: a.origin, ...(a.by ? { addedBy: a.by } : {}) });
  }
  a.model.tables.set(key, table);
  a.touch(key, table);
}

/** DROP TABLE: the table, its indexes, triggers and owned sequences; with CASCADE also dependent views and foreign keys. */
export function dropTable(a: Applier, key: string, cascade: boolean): void {
  const table = a.model.tables.get(key);
  if (!table) return;
  a.model.tables.delete(key);
  a.touch(key);
  for (const [index, owner] of [...a.model.indexTables]) if (owner === key) a.model.indexTables.delete(index);
  a.model.triggers.delete(key);
  for (const sequence of [...a.model.sequences.values()]) {
    if (sequence.ownedBy?.table === key) {
      a.model.sequences.delete(sequence.key);
      a.touch(sequence.key);
    }
  }
  for (const other of [...a.model.tables.values()]) {
    // A partitioned table's partitions go with it.
    if (other.partitionOf === key) dropTable(a, other.key, cascade);
    else if (cascade && other.constraints.some((k) => k.references === key)) {
      other.constraints = other.constraints.filter((k) => k.references !== key);
      a.touch(other.key, other);
    }
  }
  if (cascade) for (const view of [...a.model.views.values()]) if (view.relations.includes(key)) dropView(a, view.key, true);
}

/** A table's key changes (RENAME TO, SET SCHEMA): every reference to it follows. */
export function rekeyTable(a: Applier, from: string, to: string): void {
  const table = a.model.tables.get(from);
  if (!table) return;
  a.model.tables.delete(from);
  table.key = to;
  a.model.tables.set(to, table);
  a.touch(from);
  a.touch(to, table);
  const fromSchema = from.slice(0, from.indexOf('.'));
  const toSchema = to.slice(0, to.indexOf('.'));
  for (const [index, owner] of [...a.model.indexTables]) {
    if (owner !== from) continue;
    a.model.indexTables.delete(index);
    a.model.indexTables.set(fromSchema === toSchema ? index : `${toSchema}.${index.slice(index.indexOf('.') + 1)}`, to);
  }
  const triggers = a.model.triggers.get(from);
  if (triggers) {
    a.model.triggers.delete(from);
    for (const t of triggers) t.table = to;
    a.model.triggers.set(to, triggers);
  }
  const follow = (key: string) => (key === from ? to : key);
  for (const other of a.model.tables.values()) {
    for (const k of other.constraints) if (k.references === from) k.references = to;
    if (other.partitionOf === from) other.partitionOf = to;
    if (other.inherits?.includes(from)) other.inherits = other.inherits.map(follow);
    for (const copy of other.copiedFrom ?? []) copy.table = follow(copy.table);
  }
  for (const view of a.model.views.values()) {
    if (!view.relations.includes(from)) continue;
    view.relations = view.relations.map(follow);
    for (const d of view.dependsOn) d.table = follow(d.table);
  }
  for (const sequence of a.model.sequences.values()) if (sequence.ownedBy?.table === from) sequence.ownedBy.table = to;
  // Function bodies are text: PostgreSQL does not follow a rename into them, and neither does the model.
}
