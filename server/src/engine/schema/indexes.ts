/**
 * Indexes on the model: CREATE INDEX (columns, expressions, partial, method), DROP INDEX and
 * ALTER INDEX … RENAME (which renames the constraint the index enforces, as PostgreSQL does).
 */
import type { IndexStmt, Node } from '@pgsql/types';
import { nodePayload, relationKey } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import { renameIndex, schemaOf } from './columns';
import { columnsRead } from './expressions';
import type { IndexModel } from './objects';

export function applyCreateIndex(a: Applier, index: IndexStmt): void {
  const tableKey = relationKey(index.relation);
  const schema = index.relation?.schemaname ?? 'public';
  const indexKey = index.idxname ? `${schema}.${index.idxname}` : undefined;
  if (index.if_not_exists && indexKey && a.model.indexTables.has(indexKey)) return;
  const columns: string[] = [];
  const expressionColumns = new Set<string>();
  for (const p of index.indexParams ?? []) {
    const element = nodePayload<{ name?: string; expr?: Node }>(p);
    columns.push(element?.name ?? '');
    if (element?.expr) for (const c of columnsRead(element.expr)) expressionColumns.add(c);
  }
  for (const p of index.indexIncludingParams ?? []) {
    const name = nodePayload<{ name?: string }>(p)?.name;
    if (name) expressionColumns.add(name);
  }
  if (index.whereClause) for (const c of columnsRead(index.whereClause)) expressionColumns.add(c);
  const model: IndexModel = { name: index.idxname, columns, unique: index.unique ?? false, origin: a.origin };
  if (index.whereClause) model.partial = true;
  if (expressionColumns.size) model.expressionColumns = [...expressionColumns];
  if (index.accessMethod && index.accessMethod !== 'btree') model.method = index.accessMethod;
  if (a.by) model.changedBy = a.by;
  const table = a.model.table(tableKey);
  if (table) {
    table.indexes.push(model);
    a.touch(tableKey, table);
  }
  if (indexKey) {
    a.model.indexTables.set(indexKey, tableKey);
    a.touch(indexKey);
  }
}

export function dropIndex(a: Applier, key: string): void {
  const tableKey = a.model.indexTables.get(key);
  if (!tableKey) return;
  a.model.indexTables.delete(key);
  a.touch(key);
  const table = a.model.table(tableKey);
  if (!table) return;
  const name = key.slice(key.indexOf('.') + 1);
  table.indexes = table.indexes.filter((i) => i.name !== name);
  a.touch(tableKey, table);
}

export function applyRenameIndex(a: Applier, key: string, to: string): void {
  const tableKey = a.model.indexTables.get(key);
  const table = tableKey ? a.model.table(tableKey) : undefined;
  const from = key.slice(key.indexOf('.') + 1);
  if (!table) {
    if (tableKey) {
      a.model.indexTables.delete(key);
      a.model.indexTables.set(`${schemaOf(key)}.${to}`, tableKey);
    }
    return;
  }
  renameIndex(a, table, from, to);
  for (const index of table.indexes) if (index.name === to) delete index.generatedName;
  for (const k of table.constraints) {
    if (k.index !== from) continue;
    k.index = to;
    k.name = to;
    delete k.generatedName;
  }
  for (const index of table.indexes) if (index.name === to && index.constraint) index.constraint = to;
  a.touch(key);
  a.touch(table.key, table);
}
