/**
 * Small readers over libpg-query parse trees, shared by the schema model and the rules.
 */
import type { Node, RangeVar, TypeName } from '@pgsql/types';

/** Schema-qualified key of a relation: `public.users` (unqualified names default to public). */
export function relationKey(rv: RangeVar | undefined): string {
  if (!rv) return '';
  // A dozen rules and the schema model ask for the key of the same statement's relation in turn:
  // remembering the last one spares building (and hashing, in the map lookups) a new string each time.
  // Parse trees are never modified, so a RangeVar's key cannot change.
  if (rv !== lastRelation) {
    lastKey = `${rv.schemaname ?? 'public'}.${rv.relname ?? ''}`;
    lastRelation = rv;
  }
  return lastKey;
}

let lastRelation: RangeVar | undefined;
let lastKey = '';

/** The relation's name as written, for messages: `users` or `audit.events`. */
export function relationLabel(rv: RangeVar | undefined): string {
  if (!rv) return '?';
  return rv.schemaname ? `${rv.schemaname}.${rv.relname}` : (rv.relname ?? '?');
}

/** The string values of a list of `String` nodes (qualified names, column lists). */
export function stringList(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) {
    const s = (n as { String?: { sval?: string } }).String;
    if (s?.sval !== undefined) out.push(s.sval);
  }
  return out;
}

/** The key of a qualified name given as a list of strings (`['audit','events']` → `audit.events`). */
export function qualifiedKey(names: string[]): string {
  return names.length >= 2 ? `${names[names.length - 2]}.${names[names.length - 1]}` : `public.${names[0] ?? ''}`;
}

/** The kind of a node (`ColumnDef`, `Constraint`, `FuncCall` …) and its payload. */
export function nodeKind(node: Node | undefined): string | undefined {
  return node ? Object.keys(node)[0] : undefined;
}

export function nodePayload<T = Record<string, unknown>>(node: Node | undefined): T | undefined {
  if (!node) return undefined;
  const key = Object.keys(node)[0];
  return (node as Record<string, unknown>)[key] as T;
}

const TYPE_ALIASES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
  varchar: 'varchar',
  timestamptz: 'timestamptz',
  timetz: 'timetz',
};

/** The type's base name in lower case without pg_catalog (`int8` → `bigint`, `varchar`, `jsonb`). */
export function typeBaseName(tn: TypeName | undefined): string {
  const names = stringList(tn?.names);
  const last = (names[names.length - 1] ?? '').toLowerCase();
  return TYPE_ALIASES[last] ?? last;
}

/** Integer type modifiers (`varchar(20)` → [20], `numeric(10,2)` → [10, 2]). */
export function typeModifiers(tn: TypeName | undefined): number[] {
  const out: number[] = [];
  for (const m of tn?.typmods ?? []) {
    const ival = (m as { A_Const?: { ival?: { ival?: number } } }).A_Const?.ival;
    if (ival) out.push(ival.ival ?? 0);
  }
  return out;
}

/** The type as a person writes it: `varchar(20)`, `numeric(10,2)`, `text[]`. */
export function typeLabel(tn: TypeName | undefined): string {
  if (!tn) return '?';
  const mods = typeModifiers(tn);
  const array = tn.arrayBounds && tn.arrayBounds.length > 0 ? '[]' : '';
  return `${typeBaseName(tn)}${mods.length ? `(${mods.join(',')})` : ''}${array}`;
}

/** Calls `visit` on every node below `node` (objects with a single node-type key), depth first. */
export function walk(node: unknown, visit: (kind: string, payload: Record<string, unknown>) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) walk(node[i], visit);
    return;
  }
  // Rules walk every statement, so this loop is hot: for…in (parse trees come from JSON.parse, so
  // every enumerable key is an own key) and a char-code test allocate nothing, where Object.entries
  // made an array per key and a regular expression tested each key.
  const object = node as Record<string, unknown>;
  for (const key in object) {
    const value = object[key];
    if (value === null || typeof value !== 'object') continue;
    const first = key.charCodeAt(0);
    if (first >= 65 && first <= 90 && !Array.isArray(value)) visit(key, value as Record<string, unknown>); // A–Z: a node type
    walk(value, visit);
  }
}

/** Name of a function call (`gen_random_uuid`, `pg_catalog.now` → `now`), lower case. */
export function funcName(funcname: Node[] | undefined): string {
  const names = stringList(funcname);
  return (names[names.length - 1] ?? '').toLowerCase();
}
