/**
 * Setup migrations for the fix trials. tablesSql: the tables a case's SQL uses that neither it nor
 * its history creates, each with a bigint primary key (the multi-step plans batch backfills by it)
 * unless the case adds one, and the columns the case names; a table the case attaches partitions to, or creates one of, is made
 * partitioned, and a partition it attaches gets the parent's columns. historyAdditionsSql: what makes
 * a case's own history plannable: primary keys for its tables that have an `id` column and no key
 * (unless the case adds one), and a DEFAULT partition for a partitioned table that has none.
 */
import { parseFile } from '../../server/src/engine/index';
import { quoteIdent } from '../../server/src/engine/fixes/sql';

interface RangeVarLike {
  schemaname?: string;
  relname?: string;
}

type Node = Record<string, Record<string, unknown>>;

interface NeededTable {
  relation: RangeVarLike;
  /** Column name → type (undefined: guess from the name). */
  columns: Map<string, string | undefined>;
  /** PARTITION BY strategy when the case uses the table as a partitioned one. */
  partitionedBy?: 'RANGE' | 'LIST' | 'HASH';
  /** The case attaches the table as a partition. */
  partition?: boolean;
}

/** AlterTableCmd subtypes whose `name` is a column of the altered table. */
const COLUMN_COMMANDS = new Set([
  'AT_ColumnDefault', 'AT_DropNotNull', 'AT_SetNotNull', 'AT_SetStatistics', 'AT_SetOptions', 'AT_ResetOptions', 'AT_SetStorage',
  'AT_SetCompression', 'AT_DropColumn', 'AT_AlterColumnType', 'AT_AddIdentity', 'AT_SetIdentity', 'AT_DropIdentity', 'AT_DropExpression',
  'AT_SetExpression', 'AT_CheckNotNull',
]);

const STRATEGIES: Record<string, NeededTable['partitionedBy']> = { r: 'RANGE', l: 'LIST', h: 'HASH' };

const key = (rv: RangeVarLike) => `${rv.schemaname ?? 'public'}.${rv.relname ?? ''}`;
const relationSql = (rv: RangeVarLike) => (rv.schemaname ? `${quoteIdent(rv.schemaname)}.${quoteIdent(rv.relname!)}` : quoteIdent(rv.relname!));
const strings = (list: unknown): string[] => (Array.isArray(list) ? list.map((n) => (n as { String?: { sval?: string } }).String?.sval).filter((s): s is string => s !== undefined) : []);
/** Ids are bigint like the primary keys they reference; anything else is text. */
const guessType = (column: string) => (column === 'id' || /_id$/.test(column) ? 'bigint' : 'text');

/** Calls `visit` for every object node below `node` with its key (the parse tree's node type). */
function walk(node: unknown, visit: (type: string, value: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [type, value] of Object.entries(node)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) visit(type, value as Record<string, unknown>);
    walk(value, visit);
  }
}

const nodesOf = (sql: string): Node[] => parseFile(sql).statements.flatMap((s) => (s.node ? [s.node as unknown as Node] : []));

/** The relation a statement creates: a table, view, materialized view or CREATE TABLE AS. */
function createdBy(node: Node): RangeVarLike | undefined {
  const rv = (node.CreateStmt?.relation ?? node.ViewStmt?.view ?? (node.CreateTableAsStmt?.into as { rel?: unknown } | undefined)?.rel) as RangeVarLike | undefined;
  return rv?.relname ? rv : undefined;
}

/** The columns (name → type as written, without modifiers) of the tables the SQL creates. */
function createdColumns(sql: string): Map<string, Map<string, string>> {
  const tables = new Map<string, Map<string, string>>();
  for (const node of nodesOf(sql)) {
    if (!node.CreateStmt) continue;
    const columns = new Map<string, string>();
    for (const elt of (node.CreateStmt.tableElts as { ColumnDef?: { colname?: string; typeName?: { names?: unknown; arrayBounds?: unknown[] } } }[] | undefined) ?? []) {
      const def = elt.ColumnDef;
      const type = strings(def?.typeName?.names).at(-1);
      if (def?.colname && type) columns.set(def.colname, `${quoteIdent(type)}${def.typeName?.arrayBounds?.length ? '[]' : ''}`);
    }
    tables.set(key(node.CreateStmt.relation as RangeVarLike), columns);
  }
  return tables;
}

/** What the case adds to existing tables: columns (`table-key.column`) and primary keys (table keys). */
function caseAdditions(caseSql: string): { columns: Set<string>; keyed: Set<string> } {
  const columns = new Set<string>();
  const keyed = new Set<string>();
  for (const node of nodesOf(caseSql)) {
    const target = targetOf(node);
    if (!target || node.CreateStmt) continue;
    walk(node, (type, value) => {
      if (type === 'ColumnDef' && typeof value.colname === 'string') columns.add(`${key(target)}.${value.colname}`);
      else if (type === 'Constraint' && value.contype === 'CONSTR_PRIMARY') keyed.add(key(target));
    });
  }
  return { columns, keyed };
}

/** The table a statement changes and is about (ALTER TABLE, CREATE INDEX, RENAME COLUMN, triggers), if any. */
function targetOf(node: Node): RangeVarLike | undefined {
  if (node.AlterTableStmt) return node.AlterTableStmt.objtype === 'OBJECT_TABLE' ? (node.AlterTableStmt.relation as RangeVarLike) : undefined;
  if (node.RenameStmt) {
    // Renaming the table itself, or a column or constraint of a table (not of a view).
    const { renameType, relationType } = node.RenameStmt;
    return renameType === 'OBJECT_TABLE' || relationType === 'OBJECT_TABLE' ? (node.RenameStmt.relation as RangeVarLike | undefined) : undefined;
  }
  return (node.IndexStmt ?? node.CreateTrigStmt ?? node.UpdateStmt ?? node.DeleteStmt ?? node.InsertStmt ?? node.CopyStmt)?.relation as RangeVarLike | undefined;
}

/** Data changes read other tables too (UPDATE … FROM, subqueries): those need to exist, with no particular columns. */
const DML = ['UpdateStmt', 'DeleteStmt', 'InsertStmt', 'CopyStmt'];

/**
 * CREATE TABLE statements (with CREATE SCHEMA where needed) for the tables the case's SQL uses that
 * neither the history nor an earlier statement of the case creates; empty when there are none.
 */
export function tablesSql(caseSql: string, history: readonly string[]): string {
  const historyColumns = new Map(history.flatMap((sql) => [...createdColumns(sql)]));
  const created = new Set(history.flatMap((sql) => nodesOf(sql).flatMap((n) => (createdBy(n) ? [key(createdBy(n)!)] : []))));
  const needed = new Map<string, NeededTable>();
  const { columns: added, keyed } = caseAdditions(caseSql);
  /** [parent, partition] keys of the case's ATTACH PARTITION statements. */
  const attached: [string, string][] = [];
  const need = (rv: RangeVarLike | undefined, columns: string[] = []): NeededTable | undefined => {
    if (!rv?.relname || created.has(key(rv))) return undefined;
    let table = needed.get(key(rv));
    if (!table) needed.set(key(rv), (table = { relation: rv, columns: new Map() }));
    for (const column of columns) if (!table.columns.has(column)) table.columns.set(column, undefined);
    return table;
  };
  for (const node of nodesOf(caseSql)) {
    const target = targetOf(node);
    const columns: string[] = [];
    walk(node, (type, value) => {
      if (type === 'ColumnRef') columns.push(...strings(value.fields).slice(-1));
      else if (type === 'IndexElem' && typeof value.name === 'string') columns.push(value.name);
      else if (type === 'ResTarget' && typeof value.name === 'string' && (node.UpdateStmt || node.InsertStmt)) columns.push(value.name);
      else if (type === 'RangeVar' && DML.some((k) => node[k]) && value !== target) need(value as RangeVarLike);
      else if (type === 'AlterTableCmd' && COLUMN_COMMANDS.has(String(value.subtype)) && typeof value.name === 'string') columns.push(value.name);
      else if (type === 'Constraint') {
        columns.push(...strings(value.keys), ...strings(value.fk_attrs), ...strings(value.including));
        // A foreign key needs the referenced table, with the referenced columns.
        if (value.pktable) need(value.pktable as RangeVarLike, strings(value.pk_attrs));
      } else if (type === 'PartitionCmd' && target && value.name) {
        // ATTACH PARTITION: the target is partitioned, the partition a table of its own until attached.
        const bound = value.bound as { strategy?: string; is_default?: boolean } | undefined;
        const parent = need(target);
        if (parent) parent.partitionedBy ??= STRATEGIES[bound?.strategy ?? ''] ?? 'RANGE';
        const partition = need(value.name as RangeVarLike);
        if (partition) partition.partition = true;
        attached.push([key(target), key(value.name as RangeVarLike)]);
      }
    });
    if (node.RenameStmt?.renameType === 'OBJECT_COLUMN' && typeof node.RenameStmt.subname === 'string') columns.push(node.RenameStmt.subname);
    const partbound = node.CreateStmt?.partbound as { strategy?: string; is_default?: boolean } | undefined;
    const inherits = (node.CreateStmt?.inhRelations as { RangeVar?: RangeVarLike }[] | undefined)?.[0]?.RangeVar;
    if (partbound && inherits) {
      const parent = need(inherits);
      if (parent) parent.partitionedBy ??= STRATEGIES[partbound.strategy ?? ''] ?? 'RANGE';
    }
    if (target && !node.CreateStmt) need(target, columns.filter((c) => !added.has(`${key(target)}.${c}`)));
    const made = createdBy(node);
    if (made) created.add(key(made));
  }
  return createStatements(needed, { added, keyed, historyColumns, attached });
}

interface Known {
  /** Columns (`table-key.column`) and primary keys (table keys) the case adds. */
  added: Set<string>;
  keyed: Set<string>;
  historyColumns: Map<string, Map<string, string>>;
  /** [parent, partition] keys of the case's ATTACH PARTITION statements. */
  attached: [string, string][];
}

function createStatements(needed: Map<string, NeededTable>, { added, keyed, historyColumns, attached }: Known): string {
  const memo = new Map<string, Map<string, string>>();
  const columnsOf = (table: NeededTable): Map<string, string> => {
    const tableKey = key(table.relation);
    const known = memo.get(tableKey);
    if (known) return known;
    // A partition has its parent's columns (a partitioned parent is made first, below).
    const parent = attached.find(([, partition]) => partition === tableKey)?.[0];
    const parentColumns = parent === undefined ? undefined : needed.has(parent) ? columnsOf(needed.get(parent)!) : historyColumns.get(parent);
    const out = new Map<string, string>([...(added.has(`${tableKey}.id`) ? [] : [['id', 'bigint'] as const]), ...(parentColumns ?? [])]);
    // A partitioned table has its partitions' columns.
    const partitions = attached.filter(([p]) => p === tableKey).map(([, partition]) => partition);
    for (const sourceKey of [tableKey, ...partitions]) {
      for (const [column, type] of historyColumns.get(sourceKey) ?? []) if (!out.has(column)) out.set(column, type);
      for (const [column, type] of needed.get(sourceKey)?.columns ?? []) if (!out.has(column) && !added.has(`${tableKey}.${column}`)) out.set(column, type ?? guessType(column));
    }
    if (table.partitionedBy && ![...out.keys()].some((c) => c !== 'id')) out.set('part_key', 'text');
    memo.set(tableKey, out);
    return out;
  };
  const schemas = new Set([...needed.values()].map((t) => t.relation.schemaname).filter((s): s is string => s !== undefined && s !== 'public'));
  const lines = [...schemas].map((s) => `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)};`);
  for (const table of needed.values()) {
    const columns = columnsOf(table);
    const defs = [...columns].map(([column, type]) => `${quoteIdent(column)} ${type}`);
    if (table.partitionedBy) {
      // Keyed by the first column the case names (a unique index on the parent must include it).
      const partitionKey = [...columns.keys()].find((c) => c !== 'id') ?? 'id';
      lines.push(`CREATE TABLE ${relationSql(table.relation)} (${defs.join(', ')}) PARTITION BY ${table.partitionedBy} (${quoteIdent(partitionKey)});`);
    } else if (table.partition) {
      // No key of its own: it must match the parent's when attached.
      lines.push(`CREATE TABLE ${relationSql(table.relation)} (${defs.join(', ')});`);
    } else if (keyed.has(key(table.relation))) {
      // The case adds the primary key.
      lines.push(`CREATE TABLE ${relationSql(table.relation)} (${defs.join(', ')});`);
    } else {
      // Keyed by id, unless the case adds a column of that name.
      const primaryKey = columns.has('id') ? 'id bigint PRIMARY KEY' : 'row_id bigint PRIMARY KEY';
      lines.push(`CREATE TABLE ${relationSql(table.relation)} (${[primaryKey, ...defs.filter((d) => d !== 'id bigint')].join(', ')});`);
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/**
 * For a case's history: ALTER TABLE … ADD PRIMARY KEY (id) for each plain table it creates with an
 * `id` column and no primary key, and a DEFAULT partition for each partitioned table without one.
 */
export function historyAdditionsSql(history: string, caseSql: string): string {
  const { keyed } = caseAdditions(caseSql);
  const withoutKey = new Map<string, RangeVarLike>();
  const withoutPartitions = new Map<string, RangeVarLike>();
  for (const node of nodesOf(history)) {
    let hasKey = false;
    walk(node, (type, value) => {
      if (type === 'Constraint' && value.contype === 'CONSTR_PRIMARY') hasKey = true;
    });
    const create = node.CreateStmt;
    const rv = create?.relation as RangeVarLike | undefined;
    const inherits = (create?.inhRelations as { RangeVar?: RangeVarLike }[] | undefined)?.[0]?.RangeVar;
    if (create && create.partbound && inherits) withoutPartitions.delete(key(inherits));
    else if (create && create.partspec) withoutPartitions.set(key(rv!), rv!);
    else if (create && !hasKey) {
      let hasId = false;
      walk(create.tableElts, (type, value) => {
        if (type === 'ColumnDef' && value.colname === 'id') hasId = true;
      });
      // Not for a table the case gives a primary key itself.
      if (hasId && !keyed.has(key(rv!))) withoutKey.set(key(rv!), rv!);
    } else if (node.AlterTableStmt && hasKey) withoutKey.delete(key(node.AlterTableStmt.relation as RangeVarLike));
  }
  return [
    ...[...withoutKey.values()].map((rv) => `ALTER TABLE ${relationSql(rv)} ADD PRIMARY KEY (id);\n`),
    ...[...withoutPartitions.values()].map((rv) => `CREATE TABLE ${relationSql({ ...rv, relname: `${rv.relname}_default` })} PARTITION OF ${relationSql(rv)} DEFAULT;\n`),
  ].join('');
}
