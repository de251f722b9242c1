/**
 * Statements that change data rather than structure, as far as the cross-migration rules care:
 * UPDATE … SET c = … records a backfill of c (and the columns it was computed from), INSERT … SELECT
 * records that a table's rows were copied from another. DO blocks are read with PL/pgSQL's parser and
 * the SQL statements inside them applied like any other; a dynamic EXECUTE is counted as unhandled.
 */
import type { DoStmt, InsertStmt, Node, UpdateStmt } from '@pgsql/types';
import { nodePayload, relationKey, stringList } from '../dialects/postgres/ast';
import { parsePostgres } from '../dialects/postgres/parser';
import type { Applier } from './apply';
import { columnsRead } from './expressions';
import { readPlpgsqlBody } from './plpgsql';
import { collectNodes } from './tree';

export function applyUpdate(a: Applier, update: UpdateStmt): void {
  const table = a.model.table(relationKey(update.relation));
  if (!table) return;
  for (const target of update.targetList ?? []) {
    const res = nodePayload<{ name?: string; val?: Node }>(target);
    const column = res?.name ? table.columns.get(res.name) : undefined;
    if (!column) continue;
    const from = columnsRead(res?.val).filter((c) => c !== column.name && table.columns.has(c));
    column.backfill = { from, origin: a.origin, ...(a.by ? { by: a.by } : {}) };
    a.touch(table.key, column);
  }
  a.touch(table.key, table);
}

export function applyInsert(a: Applier, insert: InsertStmt): void {
  const table = a.model.table(relationKey(insert.relation));
  if (!table || !insert.selectStmt) return;
  const sources = new Set(collectNodes(insert.selectStmt, ['RangeVar']).get('RangeVar')!.map((rv) => relationKey(rv as never)));
  sources.delete(table.key);
  if (sources.size === 0) return;
  // One entry per source table: the latest copy is the one that tells when the rows last came over.
  const kept = (table.copiedFrom ?? []).filter((c) => !sources.has(c.table));
  table.copiedFrom = [...kept, ...[...sources].map((source) => ({ table: source, origin: a.origin, ...(a.by ? { by: a.by } : {}) }))];
  a.touch(table.key, table);
}

export function applyDoStatement(a: Applier, stmt: DoStmt): void {
  let body: string | undefined;
  let language = 'plpgsql';
  for (const arg of stmt.args ?? []) {
    const def = nodePayload<{ defname?: string; arg?: Node }>(arg);
    const value = def?.arg ? stringList([def.arg])[0] : undefined;
    if (def?.defname === 'as') body = value;
    if (def?.defname === 'language' && value) language = value.toLowerCase();
  }
  if (language !== 'plpgsql') {
    a.unhandled(`DoStmt LANGUAGE ${language}`);
    return;
  }
  const reading = body !== undefined ? readPlpgsqlBody(body, false) : undefined;
  if (!reading) {
    // Usually a template placeholder (`{{ .Schema }}`) the migration tool replaces before running it.
    a.unhandled('DoStmt (body does not parse)');
    return;
  }
  if (reading.dynamic) a.unhandled('DoStmt EXECUTE');
  for (const sql of reading.statements) {
    const outcome = parsePostgres(sql);
    if (!outcome.ok) {
      a.unhandled('DoStmt statement');
      continue;
    }
    for (const parsed of outcome.statements) a.nested(parsed.node);
  }
}
