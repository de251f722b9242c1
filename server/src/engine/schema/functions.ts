/**
 * Functions and triggers on the model. A trigger function's PL/pgSQL body is read for the columns it
 * reads and writes, which is how the rules recognise a dual-write (sync) trigger and know that
 * dropping a column its body uses breaks every write to the table: PostgreSQL does not track
 * references inside function bodies, so it will not refuse the drop.
 */
import type { CreateFunctionStmt, CreateTrigStmt, Node } from '@pgsql/types';
import { nodePayload, qualifiedKey, relationKey, stringList, typeBaseName } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import { columnsRead } from './expressions';
import type { FunctionModel, TriggerEvent, TriggerModel } from './objects';
import { readPlpgsqlBody } from './plpgsql';

/** The key of a function name as written (`audit.touch` → `audit.touch`, `touch` → `public.touch`). */
export function functionKey(names: Node[] | undefined): string {
  return qualifiedKey(stringList(names));
}

function option(stmt: CreateFunctionStmt, name: string): Node | undefined {
  for (const o of stmt.options ?? []) {
    const def = nodePayload<{ defname?: string; arg?: Node }>(o);
    if (def?.defname === name) return def.arg;
  }
  return undefined;
}

export function applyCreateFunction(a: Applier, stmt: CreateFunctionStmt): void {
  const key = functionKey(stmt.funcname);
  const languageNode = option(stmt, 'language');
  const language = (languageNode ? stringList([languageNode])[0] : undefined)?.toLowerCase() ?? 'sql';
  const returnsTrigger = typeBaseName(stmt.returnType) === 'trigger';
  const fn: FunctionModel = { key, language, returnsTrigger, origin: a.origin };
  const as = option(stmt, 'as');
  const body = stringList((nodePayload<{ items?: Node[] }>(as)?.items ?? (as ? [as] : [])) as Node[])[0];
  if (language === 'plpgsql' && body !== undefined) {
    const reading = readPlpgsqlBody(body, returnsTrigger);
    if (reading?.trigger) fn.body = reading.trigger;
  }
  a.model.functions.set(key, fn);
  a.touch(key, fn);
  // Tables whose triggers call the function see the new body.
  for (const [table, triggers] of a.model.triggers) if (triggers.some((t) => t.function === key)) a.touch(table);
}

/** PostgreSQL's trigger type bits (pg_trigger.tgtype). */
const BEFORE = 1 << 1;
const INSTEAD = 1 << 6;
const EVENTS: [number, TriggerEvent][] = [
  [1 << 2, 'insert'],
  [1 << 3, 'delete'],
  [1 << 4, 'update'],
  [1 << 5, 'truncate'],
];

export function applyCreateTrigger(a: Applier, stmt: CreateTrigStmt): void {
  const table = relationKey(stmt.relation);
  const timing = (stmt.timing ?? 0) & INSTEAD ? 'instead-of' : (stmt.timing ?? 0) & BEFORE ? 'before' : 'after';
  const trigger: TriggerModel = {
    name: stmt.trigname ?? '',
    table,
    function: functionKey(stmt.funcname),
    timing,
    events: EVENTS.filter(([bit]) => (stmt.events ?? 0) & bit).map(([, e]) => e),
    updateColumns: stringList(stmt.columns),
    whenColumns: stmt.whenClause ? [...new Set([...columnsRead(stmt.whenClause, 'new'), ...columnsRead(stmt.whenClause, 'old')])] : [],
    forEachRow: stmt.row === true,
    enabled: true,
    origin: a.origin,
  };
  const list = (a.model.triggers.get(table) ?? []).filter((t) => t.name !== trigger.name);
  list.push(trigger);
  a.model.triggers.set(table, list);
  a.touch(table, trigger);
  const owner = a.model.table(table);
  if (owner) a.touch(table, owner);
}

export function dropTrigger(a: Applier, table: string, name: string): void {
  const list = a.model.triggers.get(table);
  if (!list) return;
  a.model.triggers.set(table, list.filter((t) => t.name !== name));
  a.touch(table);
}

export function renameTrigger(a: Applier, table: string, from: string, to: string): void {
  for (const t of a.model.triggers.get(table) ?? []) if (t.name === from) t.name = to;
  a.touch(table);
}

/** DROP FUNCTION; with CASCADE its triggers go too. */
export function dropFunction(a: Applier, key: string, cascade: boolean): void {
  if (!a.model.functions.delete(key)) return;
  a.touch(key);
  for (const [table, triggers] of a.model.triggers) {
    if (!triggers.some((t) => t.function === key)) continue;
    if (cascade) a.model.triggers.set(table, triggers.filter((t) => t.function !== key));
    a.touch(table);
  }
}

export function renameFunction(a: Applier, from: string, to: string): void {
  const fn = a.model.functions.get(from);
  if (!fn) return;
  a.model.functions.delete(from);
  fn.key = to;
  a.model.functions.set(to, fn);
  a.touch(from);
  a.touch(to, fn);
  for (const [table, triggers] of a.model.triggers) {
    for (const t of triggers) if (t.function === from) t.function = to;
    if (triggers.some((t) => t.function === to)) a.touch(table);
  }
}
