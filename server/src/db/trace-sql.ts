/**
 * The catalog queries of the tracer. Each returns one json value (column `j`) so that both drivers
 * (pg and PGlite) hand back the same plain objects whatever their type parsers do with int8.
 *
 * Only user relations matter: OIDs below 16384 belong to the catalogs, and toast tables are reported
 * through their owning table. Relation locks are read for this backend only (`pg_backend_pid()`).
 */

export interface CatalogRelation {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind */
  kind: string;
  filenode: number;
  /** relfilenode of the relation's toast table, if it has one. */
  toast: number | null;
  /** For an index: the table it belongs to. */
  table: number | null;
}

export interface TableStats {
  oid: number;
  /** Rows read by sequential scans plus rows fetched by index scans. */
  read: number;
  /** Rows inserted, updated and deleted. */
  touched: number;
}

export interface Snapshot {
  xid: string;
  version: string;
  relations: CatalogRelation[];
  stats: TableStats[];
}

export interface Observation {
  xid: string;
  locks: { oid: number; mode: string }[];
  relations: CatalogRelation[];
  stats: TableStats[];
}

export interface ResolvedRelation extends CatalogRelation {
  table_schema: string | null;
  table_name: string | null;
}

const REL_COLUMNS = `c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
  c.relfilenode::int8 AS filenode, t.relfilenode::int8 AS toast, i.indrelid::int8 AS "table"`;

const REL_FROM = `pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
  LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid`;

// No LIKE patterns: their backslash escapes would change meaning if a migration turned
// standard_conforming_strings off.
const USER_RELATION = `c.oid >= 16384 AND n.nspname <> 'pg_toast'
  AND left(n.nspname, 14) <> 'pg_toast_temp_'
  AND (left(n.nspname, 8) <> 'pg_temp_' OR n.oid = pg_catalog.pg_my_temp_schema())
  AND c.relkind IN ('r', 'p', 'm', 'i', 'I', 'S', 'v', 'f')`;

const STATS = `relid::int8 AS oid, (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int8 AS read,
  (n_tup_ins + n_tup_upd + n_tup_del)::int8 AS touched`;

export const SNAPSHOT_SQL = `SELECT json_build_object(
  'xid', pg_catalog.pg_current_xact_id()::text,
  'version', pg_catalog.current_setting('server_version'),
  'relations', (SELECT coalesce(json_agg(r), '[]'::json) FROM (SELECT ${REL_COLUMNS} FROM ${REL_FROM} WHERE ${USER_RELATION}) r),
  'stats', (SELECT coalesce(json_agg(s), '[]'::json) FROM (SELECT ${STATS} FROM pg_catalog.pg_stat_xact_user_tables) s)
) AS j`;

/** After each statement, one round trip: locks, the files of the locked relations and their indexes, scans, xact id. */
export function observeSql(caps: string): string {
  return `WITH held AS (
  SELECT l.relation AS oid, l.mode FROM pg_catalog.pg_locks l
  WHERE l.locktype = 'relation' AND l.pid = pg_catalog.pg_backend_pid() AND l.granted AND l.relation >= 16384
), rels AS (
  SELECT ${REL_COLUMNS} FROM ${REL_FROM}
  WHERE c.oid IN (SELECT oid FROM held) OR i.indrelid IN (SELECT oid FROM held)
)
SELECT json_build_object(
  'xid', pg_catalog.pg_current_xact_id()::text,
  'locks', (SELECT coalesce(json_agg(json_build_object('oid', oid::int8, 'mode', mode)), '[]'::json) FROM held),
  'relations', (SELECT coalesce(json_agg(rels), '[]'::json) FROM rels),
  'stats', (SELECT coalesce(json_agg(s), '[]'::json) FROM (SELECT ${STATS} FROM pg_catalog.pg_stat_xact_user_tables
            WHERE relid IN (SELECT oid FROM held)) s),
  'caps', ${caps}
) AS j`;
}

export interface Caps {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionMs: number;
}

/**
 * An expression that lowers lock_timeout, statement_timeout and idle_in_transaction_session_timeout
 * to the dry run's caps for the rest of the transaction when a statement raised or disabled them.
 */
export function capsSql(caps: Caps | undefined): string {
  if (!caps) return 'NULL';
  const limits: [string, number][] = [
    ['lock_timeout', caps.lockTimeoutMs],
    ['statement_timeout', caps.statementTimeoutMs],
    ['idle_in_transaction_session_timeout', caps.idleInTransactionMs],
  ];
  const when = limits.map(([name, ms]) => `WHEN '${name}' THEN ${Math.round(ms)}`).join(' ');
  return `(SELECT count(pg_catalog.set_config(name, (CASE name ${when} END)::text || 'ms', true))
   FROM pg_catalog.pg_settings
   WHERE name IN (${limits.map(([n]) => `'${n}'`).join(', ')})
     AND (setting::int8 = 0 OR setting::int8 > (CASE name ${when} END)))`;
}

/** The relation a name (as written) resolves to now, with the table of an index. */
export function resolveSql(names: string[]): string {
  const qualified = names.map(quoteIdent).join('.');
  return `SELECT coalesce(json_agg(r), '[]'::json) AS j FROM (
  SELECT ${REL_COLUMNS}, tn.nspname AS table_schema, tc.relname AS table_name
  FROM ${REL_FROM}
  LEFT JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
  LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
  WHERE c.oid = pg_catalog.to_regclass(${quoteLiteral(qualified)})) r`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** An E'' literal: means the same whatever standard_conforming_strings is set to. */
export function quoteLiteral(text: string): string {
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
