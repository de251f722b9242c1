/**
 * What a migration mentions and what relates to what, for deciding which migrations an edit can
 * affect. Both err on the side of "affected": a name is compared without its schema, and every
 * identifier inside a function body or DO block counts as mentioned.
 */
import type { Node } from '@pgsql/types';
import { nodeKind, nodePayload, relationKey, stringList } from '../dialects/postgres/ast';
import { parsePostgres } from '../dialects/postgres/parser';
import type { Statement } from '../dialects/postgres/statement';
import type { SchemaModel } from '../schema/model';
import { readPlpgsqlBody } from '../schema/plpgsql';

const IDENTIFIER = /[A-Za-z_][\w$]*/g;

/** Every name the statements mention, without schema; identifiers inside bodies and strings too. */
export function mentionedNames(statements: readonly Statement[]): Set<string> {
  const names = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (/\s/.test(value)) for (const m of value.matchAll(IDENTIFIER)) names.add(m[0].toLowerCase());
      else names.add(value);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) for (const v of value) visit(v);
    else for (const key in value as Record<string, unknown>) visit((value as Record<string, unknown>)[key]);
  };
  for (const stmt of statements) visit(stmt.node);
  return names;
}

/** `table.column` pairs set by UPDATE statements, also inside DO blocks. */
export function updatedColumns(statements: readonly Statement[]): { table: string; column: string }[] {
  const out: { table: string; column: string }[] = [];
  const fromNode = (node: Node) => {
    const kind = nodeKind(node);
    if (kind === 'UpdateStmt') {
      const update = nodePayload<{ relation?: never; targetList?: Node[] }>(node)!;
      for (const t of update.targetList ?? []) {
        const name = nodePayload<{ name?: string }>(t)?.name;
        if (name) out.push({ table: relationKey(update.relation), column: name });
      }
    } else if (kind === 'DoStmt') {
      const body = stringList((nodePayload<{ args?: Node[] }>(node)?.args ?? []).map((a) => nodePayload<{ defname?: string; arg?: Node }>(a)).filter((d) => d?.defname === 'as').map((d) => d!.arg!))[0];
      for (const sql of (body !== undefined ? readPlpgsqlBody(body, false)?.statements : undefined) ?? []) {
        const outcome = parsePostgres(sql);
        if (outcome.ok) for (const s of outcome.statements) fromNode(s.node);
      }
    }
  };
  for (const stmt of statements) if (stmt.node) fromNode(stmt.node);
  return out;
}

/**
 * Keys of the objects whose rules may look at the object under `key`: what a table references and is
 * referenced by, its partitions, views over it, its indexes and owned sequences; a view's relations;
 * the tables whose triggers call a function; the tables with a column of a type.
 */
export function relatedKeys(model: SchemaModel, key: string): string[] {
  const out = new Set<string>();
  const schema = key.slice(0, key.indexOf('.'));
  const table = model.tables.get(key);
  if (table) {
    for (const k of table.constraints) if (k.references) out.add(k.references);
    if (table.partitionOf) out.add(table.partitionOf);
    for (const p of table.inherits ?? []) out.add(p);
    for (const i of table.indexes) if (i.name) out.add(`${schema}.${i.name}`);
    for (const t of model.triggersOn(key)) out.add(t.function);
  }
  for (const other of model.tables.values()) {
    if (other.partitionOf === key || other.inherits?.includes(key) || other.constraints.some((k) => k.references === key)) out.add(other.key);
  }
  const view = model.views.get(key);
  if (view) for (const r of view.relations) out.add(r);
  for (const v of model.views.values()) if (v.relations.includes(key)) out.add(v.key);
  for (const [tableKey, triggers] of model.triggers) if (triggers.some((t) => t.function === key)) out.add(tableKey);
  const indexTable = model.indexTables.get(key);
  if (indexTable) out.add(indexTable);
  const owner = model.sequences.get(key)?.ownedBy?.table;
  if (owner) out.add(owner);
  if (model.enums.has(key) || model.domains.has(key) || model.compositeTypes.has(key)) {
    const name = key.slice(key.indexOf('.') + 1);
    for (const t of model.tables.values()) for (const c of t.columns.values()) if (c.type.replace(/[([].*$/, '') === name) out.add(t.key);
  }
  out.delete(key);
  return [...out];
}

/**
 * Tables and the plain columns each CREATE INDEX lists, in order. Partial and expression indexes are
 * left out: whether they serve a lookup depends on more than their columns.
 */
export function indexedColumns(statements: readonly Statement[]): { table: string; columns: string[] }[] {
  const out: { table: string; columns: string[] }[] = [];
  for (const stmt of statements) {
    const index = stmt.as('IndexStmt');
    if (!index?.relation || index.whereClause) continue;
    const columns = (index.indexParams ?? []).map((p) => nodePayload<{ name?: string }>(p)?.name);
    if (columns.length && columns.every((c): c is string => c !== undefined)) out.push({ table: relationKey(index.relation), columns });
  }
  return out;
}
