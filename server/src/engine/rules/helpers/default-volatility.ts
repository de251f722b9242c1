/**
 * How PostgreSQL treats a column DEFAULT when ADD COLUMN fills existing rows. Since PostgreSQL 11 a
 * non-volatile default is evaluated once and stored in the catalog ("fast default", no rewrite); a
 * volatile one must be evaluated per row, which rewrites the table. Before 11 every non-null default
 * rewrites. Only function calls can make an expression volatile, so classifying the calls suffices.
 */
import type { Node } from '@pgsql/types';
import { funcName, walk } from '../../dialects/postgres/ast';

export type DefaultKind =
  /** No default, or DEFAULT NULL: nothing to fill in. */
  | 'null'
  /** Constants, casts of constants, immutable and stable functions (now(), current_timestamp). */
  | 'stable'
  /** A function PostgreSQL marks volatile (random(), gen_random_uuid(), nextval() …). */
  | 'volatile'
  /** A function this catalog does not know (usually a user function): assumed volatile. */
  | 'unknown';

export interface DefaultClass {
  kind: DefaultKind;
  /** The function that decided the verdict, e.g. `gen_random_uuid()`. */
  func?: string;
}

/** Built-in functions whose pg_proc.provolatile is 'v'. */
const VOLATILE = new Set([
  'random', 'random_normal', 'setseed', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'gen_random_bytes',
  'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'uuid_generate_v7', 'uuidv4', 'uuidv7', 'nextval', 'currval',
  'lastval', 'setval', 'gen_salt',
]);

/** Immutable and stable built-ins commonly seen in defaults: evaluated once, so no rewrite on 11+. */
const NON_VOLATILE = new Set([
  'now', 'statement_timestamp', 'transaction_timestamp', 'current_timestamp', 'localtimestamp', 'current_date',
  'timezone', 'date_trunc', 'date_part', 'extract', 'make_date', 'make_time', 'make_timestamp', 'make_timestamptz',
  'make_interval', 'to_timestamp', 'to_date', 'to_char', 'to_number', 'age', 'lower', 'upper', 'btrim', 'trim',
  'ltrim', 'rtrim', 'concat', 'concat_ws', 'format', 'replace', 'substring', 'substr', 'left', 'right', 'length',
  'char_length', 'md5', 'sha256', 'encode', 'decode', 'abs', 'round', 'floor', 'ceil', 'ceiling', 'trunc', 'power',
  'sqrt', 'jsonb_build_object', 'jsonb_build_array', 'json_build_object', 'json_build_array', 'to_jsonb', 'to_json',
  'jsonb_object', 'array_fill', 'string_to_array', 'array_to_string', 'current_setting', 'current_schema',
  'current_database', 'current_user', 'session_user', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange',
  'daterange', 'point', 'inet', 'bool', 'int4', 'int8', 'text', 'numeric', 'float8', 'timestamptz', 'timestamp',
  'interval', 'date', 'coalesce', 'nullif', 'greatest', 'least', 'array_remove', 'array_append',
  'jsonb_set', 'uuid_nil', 'uuid_ns_url', 'uuid_ns_dns', 'uuid_ns_oid', 'uuid_ns_x500', 'uuid_generate_v3', 'uuid_generate_v5',
]);

const RANK: Record<DefaultKind, number> = { null: 0, stable: 1, unknown: 2, volatile: 3 };

/** The verdict for a DEFAULT expression; undefined expression means no default. */
export function classifyDefault(expr: Node | undefined): DefaultClass {
  if (!expr) return { kind: 'null' };
  const constant = (expr as { A_Const?: { isnull?: boolean } }).A_Const;
  if (constant?.isnull) return { kind: 'null' };
  let worst: DefaultClass = { kind: 'stable' };
  const consider = (candidate: DefaultClass) => {
    if (RANK[candidate.kind] > RANK[worst.kind]) worst = candidate;
  };
  const visit = (kind: string, payload: Record<string, unknown>) => {
    if (kind !== 'FuncCall') return;
    const name = funcName(payload.funcname as Node[] | undefined);
    const func = `${name}()`;
    if (VOLATILE.has(name)) consider({ kind: 'volatile', func });
    else if (!NON_VOLATILE.has(name)) consider({ kind: 'unknown', func });
  };
  walk({ expr }, visit);
  return worst;
}
