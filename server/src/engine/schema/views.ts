/**
 * Views and materialized views: which relations and columns their query reads. PostgreSQL records
 * these as dependencies, so a column a view reads cannot be dropped or retyped without dropping the
 * view (or CASCADE dropping it silently).
 *
 * Column references are resolved the way a reader would: `alias.col` through the FROM aliases, an
 * unqualified `col` to every relation in the query that the model knows has such a column (usually
 * one), `*` to all of a relation's columns. Scopes of subqueries are not separated, which can only
 * add dependencies, never lose one.
 */
import type { Node, RangeVar, ViewStmt } from '@pgsql/types';
import { nodeKind, nodePayload, relationKey, stringList } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import type { SchemaModel } from './model';
import type { ColumnRefModel } from './objects';
import { collectNodes } from './tree';

export function applyView(a: Applier, stmt: ViewStmt): void {
  const key = relationKey(stmt.view);
  if (a.model.views.has(key) && !stmt.replace) return;
  createView(a, key, stmt.query, stmt.aliases, false);
}

export function createView(a: Applier, key: string, query: Node | undefined, aliases: Node[] | undefined, materialized: boolean): void {
  const scope = scopeOf(query);
  const reads = queryReads(a.model, query, scope);
  const view = {
    key,
    materialized,
    columns: queryColumns(a.model, query, aliases, scope).map((c) => c.name),
    relations: reads.relations,
    dependsOn: reads.columns,
    origin: a.origin,
  };
  a.model.views.set(key, view);
  a.touch(key, view);
}

export function dropView(a: Applier, key: string, cascade: boolean): void {
  if (!a.model.views.delete(key)) return;
  a.touch(key);
  for (const [index, owner] of [...a.model.indexTables]) if (owner === key) a.model.indexTables.delete(index);
  if (cascade) for (const other of [...a.model.views.values()]) if (other.relations.includes(key)) dropView(a, other.key, true);
}

export function rekeyView(a: Applier, from: string, to: string): void {
  const view = a.model.views.get(from);
  if (!view) return;
  a.model.views.delete(from);
  view.key = to;
  a.model.views.set(to, view);
  a.touch(from);
  a.touch(to, view);
  for (const other of a.model.views.values()) {
    if (!other.relations.includes(from)) continue;
    other.relations = other.relations.map((r) => (r === from ? to : r));
    for (const d of other.dependsOn) if (d.table === from) d.table = to;
  }
}

interface QueryScope {
  /** Alias or name as written → relation key. */
  names: Map<string, string>;
  relations: string[];
  columnRefs: Record<string, unknown>[];
}

function scopeOf(query: Node | undefined): QueryScope {
  const found = collectNodes(query, ['CommonTableExpr', 'RangeVar', 'ColumnRef']);
  const ctes = new Set(found.get('CommonTableExpr')!.map((c) => String(c.ctename)));
  const names = new Map<string, string>();
  const relations: string[] = [];
  for (const payload of found.get('RangeVar')!) {
    const rv = payload as RangeVar;
    if (!rv.schemaname && ctes.has(rv.relname ?? '')) continue;
    const key = relationKey(rv);
    if (!relations.includes(key)) relations.push(key);
    names.set(rv.alias?.aliasname ?? rv.relname ?? '', key);
    if (rv.schemaname) names.set(`${rv.schemaname}.${rv.relname}`, key);
  }
  return { names, relations, columnRefs: found.get('ColumnRef')! };
}

/** Column names of a table or view the model knows (empty when it does not know the relation). */
function columnsOf(model: SchemaModel, key: string): string[] {
  const table = model.tables.get(key);
  if (table) return [...table.columns.keys()];
  return model.views.get(key)?.columns ?? [];
}

function hasColumn(model: SchemaModel, key: string, column: string): boolean {
  const table = model.tables.get(key);
  return table ? table.columns.has(column) : (model.views.get(key)?.columns.includes(column) ?? false);
}

/** The relations and columns a query reads. */
export function queryReads(model: SchemaModel, query: Node | undefined, scope = scopeOf(query)): { relations: string[]; columns: ColumnRefModel[] } {
  const seen = new Set<string>();
  const columns: ColumnRefModel[] = [];
  const add = (table: string, column: string) => {
    const id = `${table}\u0000${column}`;
    if (seen.has(id)) return;
    seen.add(id);
    columns.push({ table, column });
  };
  for (const payload of scope.columnRefs) {
    for (const ref of resolveColumnRef(model, scope, payload.fields as Node[] | undefined)) add(ref.table, ref.column);
  }
  return { relations: scope.relations, columns };
}

function resolveColumnRef(model: SchemaModel, scope: QueryScope, fields: Node[] | undefined): ColumnRefModel[] {
  const star = (fields ?? []).some((f) => nodeKind(f) === 'A_Star');
  const names = stringList(fields);
  if (star) {
    const relations = names.length ? [scope.names.get(names.join('.'))].filter((r): r is string => r !== undefined) : scope.relations;
    return relations.flatMap((table) => columnsOf(model, table).map((column) => ({ table, column })));
  }
  if (names.length === 0) return [];
  const column = names[names.length - 1];
  if (names.length >= 2) {
    const table = scope.names.get(names.slice(0, -1).join('.'));
    return table ? [{ table, column }] : [];
  }
  return scope.relations.filter((table) => hasColumn(model, table, column)).map((table) => ({ table, column }));
}

export interface QueryColumn {
  name: string;
  /** The column it is copied from, when it is a plain column reference. */
  source?: ColumnRefModel;
}

/** The output columns of a query (the first branch of a UNION), renamed by an explicit column list. */
export function queryColumns(model: SchemaModel, query: Node | undefined, aliases: Node[] | undefined, scope = scopeOf(query)): QueryColumn[] {
  let select = nodePayload<{ targetList?: Node[]; larg?: unknown; op?: string }>(query);
  while (select && select.op && select.op !== 'SETOP_NONE' && select.larg) select = select.larg as typeof select;
  const out: QueryColumn[] = [];
  for (const target of select?.targetList ?? []) {
    const res = nodePayload<{ name?: string; val?: Node }>(target);
    const ref = res?.val && nodeKind(res.val) === 'ColumnRef' ? nodePayload<{ fields?: Node[] }>(res.val) : undefined;
    if (ref && (ref.fields ?? []).some((f) => nodeKind(f) === 'A_Star')) {
      for (const source of resolveColumnRef(model, scope, ref.fields)) out.push({ name: source.column, source });
      continue;
    }
    const sources = ref ? resolveColumnRef(model, scope, ref.fields) : [];
    const name = res?.name ?? (ref ? stringList(ref.fields).pop() : undefined) ?? functionName(res?.val) ?? '?column?';
    out.push({ name, ...(sources.length === 1 ? { source: sources[0] } : {}) });
  }
  stringList(aliases).forEach((alias, i) => {
    if (out[i]) out[i] = { ...out[i], name: alias };
  });
  return out;
}

function functionName(node: Node | undefined): string | undefined {
  if (nodeKind(node) !== 'FuncCall') return undefined;
  return stringList(nodePayload<{ funcname?: Node[] }>(node)?.funcname).pop();
}
