/**
 * The table-level locks a statement takes, and on which relations: the static half of the lock story
 * (the dry run observes the other half in pg_locks and compares). Facts are PostgreSQL's documented
 * lock levels, checked against pg_locks on PostgreSQL 15 and 18 (PGlite).
 *
 * One entry per relation, with the strongest mode the statement takes on it (PostgreSQL may hold a
 * weaker mode as well, e.g. ACCESS SHARE next to ACCESS EXCLUSIVE). Relations the statement creates
 * are not listed: nobody else can see them before commit. Locks PostgreSQL takes on relations the text
 * does not name (the partitions of a partitioned table, the indexes of a table being rewritten, the
 * tables behind a view, tables reached through CASCADE or a foreign key check, sequences used by
 * nextval) are listed only where the lock context can name them: an index's table, a foreign key's
 * other table. The dry run should expect those extra relations in pg_locks.
 */
import type { AlterTableCmd, AlterTableStmt, DropStmt, IndexStmt, Node, RangeVar, ReindexStmt } from '@pgsql/types';
import { qualifiedKey, relationKey, relationLabel, stringList, walk } from '../dialects/postgres/ast';
import type { ServerVersion } from '../types';
import { subcommandLocks } from './alter-table-locks';
import { LOCK_MODES, type LockMode } from './modes';
import { queryLocks } from './query-locks';

export type RelationKind = 'table' | 'index' | 'view' | 'materialized-view' | 'sequence' | 'foreign-table';

export interface RelationLock {
  /** Schema-qualified key (`public.users`); unqualified names count as `public`. */
  key: string;
  /** The name as written, for messages: `users`, `audit.events`. */
  label: string;
  kind: RelationKind;
  mode: LockMode;
  /** Parse-tree location of the name in the statement, when the statement names it with a location. */
  location?: number;
}

/** What the statement alone cannot tell: answered from the schema model when there is one. */
export interface LockContext {
  serverVersion?: ServerVersion;
  /** The table an index belongs to (schema-qualified keys). */
  tableOfIndex?(indexKey: string): string | undefined;
  /** The table a foreign key constraint of `tableKey` references. */
  referencedTable?(tableKey: string, constraintName: string): string | undefined;
  /** Tables that `tableKey`'s foreign keys reference. */
  referencedTables?(tableKey: string): string[];
  /** Tables whose foreign keys reference `tableKey`. */
  referencingTables?(tableKey: string): string[];
}

const LATEST: ServerVersion = { major: 18, minor: 0 };

const KIND_OF_OBJECT: Partial<Record<string, RelationKind>> = {
  OBJECT_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized-view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_FOREIGN_TABLE: 'foreign-table',
};

const rank = (mode: LockMode): number => LOCK_MODES.indexOf(mode);

/** The strongest of some lock modes (undefined for none). */
export function strongestMode(modes: Iterable<LockMode>): LockMode | undefined {
  let best: LockMode | undefined;
  for (const m of modes) if (!best || rank(m) > rank(best)) best = m;
  return best;
}

class LockSet {
  private readonly byKey = new Map<string, RelationLock>();

  add(lock: RelationLock): void {
    const had = this.byKey.get(lock.key);
    if (!had) this.byKey.set(lock.key, { ...lock });
    else if (rank(lock.mode) > rank(had.mode)) had.mode = lock.mode;
  }

  addRangeVar(rv: RangeVar | undefined, mode: LockMode, kind: RelationKind = 'table'): void {
    if (rv?.relname) this.add({ key: relationKey(rv), label: relationLabel(rv), kind, mode, location: rv.location });
  }

  addKey(key: string, mode: LockMode, kind: RelationKind): void {
    this.add({ key, label: key.startsWith('public.') ? key.slice(7) : key, kind, mode });
  }

  list(): RelationLock[] {
    return [...this.byKey.values()];
  }
}

/** The locks of one statement (a parse-tree node such as `{ AlterTableStmt: … }`). */
export function statementLocks(node: Node | undefined, context: LockContext = {}): RelationLock[] {
  const locks = new LockSet();
  if (!node) return [];
  const version = context.serverVersion ?? LATEST;
  const kind = Object.keys(node)[0];
  const p = (node as Record<string, unknown>)[kind] as Record<string, unknown>;
  switch (kind) {
    case 'AlterTableStmt':
      alterTableLocks(p as AlterTableStmt, version, context, locks);
      break;
    case 'IndexStmt': {
      const index = p as IndexStmt;
      locks.addRangeVar(index.relation, index.concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock');
      break;
    }
    case 'DropStmt':
      dropLocks(p as DropStmt, context, locks);
      break;
    case 'ReindexStmt':
      reindexLocks(p as ReindexStmt, context, locks);
      break;
    case 'RenameStmt':
      renameLocks(p, version, locks);
      break;
    case 'AlterObjectSchemaStmt': {
      const relKind = KIND_OF_OBJECT[(p.objectType as string | undefined) ?? ''];
      if (relKind) locks.addRangeVar(p.relation as RangeVar | undefined, 'AccessExclusiveLock', relKind);
      break;
    }
    case 'CreateStmt':
      createTableLocks(p, locks);
      break;
    case 'CreateTrigStmt':
      locks.addRangeVar(p.relation as RangeVar, 'ShareRowExclusiveLock');
      locks.addRangeVar(p.constrrel as RangeVar | undefined, 'AccessShareLock');
      break;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      locks.addRangeVar(p.table as RangeVar, 'AccessExclusiveLock');
      break;
    case 'RuleStmt':
      locks.addRangeVar(p.relation as RangeVar, 'AccessExclusiveLock');
      break;
    case 'TruncateStmt':
      truncateLocks(p, context, locks);
      break;
    case 'LockStmt': {
      // LOCK's mode numbers are PostgreSQL's lockmode constants: 1 = ACCESS SHARE … 8 = ACCESS EXCLUSIVE.
      const mode = LOCK_MODES[((p.mode as number | undefined) ?? 8) - 1] ?? 'AccessExclusiveLock';
      for (const r of (p.relations as Node[] | undefined) ?? []) locks.addRangeVar((r as { RangeVar?: RangeVar }).RangeVar, mode);
      break;
    }
    case 'VacuumStmt':
      vacuumLocks(p, locks);
      break;
    case 'ClusterStmt':
      locks.addRangeVar(p.relation as RangeVar | undefined, 'AccessExclusiveLock');
      break;
    case 'RefreshMatViewStmt':
      locks.addRangeVar(p.relation as RangeVar, p.concurrent ? 'ExclusiveLock' : 'AccessExclusiveLock', 'materialized-view');
      break;
    case 'CreateStatsStmt':
      for (const r of (p.relations as Node[] | undefined) ?? []) locks.addRangeVar((r as { RangeVar?: RangeVar }).RangeVar, 'ShareUpdateExclusiveLock');
      break;
    case 'GrantStmt':
      // Measured: no table lock on PostgreSQL 15, ACCESS SHARE on 18 (16 and 17 not measured).
      if (version.major >= 18 && p.targtype === 'ACL_TARGET_OBJECT' && p.objtype === 'OBJECT_TABLE') {
        for (const r of (p.objects as Node[] | undefined) ?? []) locks.addRangeVar((r as { RangeVar?: RangeVar }).RangeVar, 'AccessShareLock');
      }
      break;
    case 'CommentStmt':
      commentLocks(p, locks);
      break;
    case 'AlterSeqStmt':
      locks.addRangeVar(p.sequence as RangeVar, 'ShareRowExclusiveLock', 'sequence');
      walk(p.options, (kind, payload) => {
        // OWNED BY table.column reads the table's definition.
        if (kind === 'DefElem' && payload.defname === 'owned_by') {
          const names = objectNames(payload.arg as Node);
          if (names.length >= 2) locks.addKey(qualifiedKey(names.slice(0, -1)), 'AccessShareLock', 'table');
        }
      });
      break;
    case 'ViewStmt':
      // CREATE OR REPLACE of an existing view locks it; a new view is invisible to others.
      if (p.replace) locks.addRangeVar(p.view as RangeVar, 'AccessExclusiveLock', 'view');
      queryLocks(p.query, locks.addRangeVar.bind(locks));
      break;
    case 'CreateTableAsStmt':
      queryLocks(p.query, locks.addRangeVar.bind(locks));
      break;
    case 'CopyStmt':
      if (p.relation) locks.addRangeVar(p.relation as RangeVar, p.is_from ? 'RowExclusiveLock' : 'AccessShareLock');
      queryLocks(p.query, locks.addRangeVar.bind(locks));
      break;
    case 'ExplainStmt':
      // Planning opens the relations with the locks the statement would take.
      for (const lock of statementLocks(p.query as Node | undefined, context)) locks.add(lock);
      break;
    case 'SelectStmt':
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      queryLocks(node, locks.addRangeVar.bind(locks));
      break;
    default:
      break;
  }
  return locks.list();
}

function alterTableLocks(alter: AlterTableStmt, version: ServerVersion, context: LockContext, locks: LockSet): void {
  const kind = KIND_OF_OBJECT[alter.objtype ?? ''] ?? 'table';
  const key = relationKey(alter.relation);
  const cmds = (alter.cmds ?? []).flatMap((c) => {
    const cmd = (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd;
    return cmd ? [subcommandLocks(cmd, version)] : [];
  });
  // The altered relation first: it is what the statement is about.
  const mode = strongestMode(cmds.map((sub) => sub.mode));
  if (mode) locks.addRangeVar(alter.relation, mode, kind);
  for (const sub of cmds) {
    for (const other of sub.others) locks.addRangeVar(other.relation, other.mode, kind === 'index' ? 'index' : 'table');
    // Dropping a foreign key drops its triggers on the referenced table too: ACCESS EXCLUSIVE there.
    const dropped = sub.dropsConstraint && context.referencedTable?.(key, sub.dropsConstraint);
    if (dropped) locks.addKey(dropped, 'AccessExclusiveLock', 'table');
    const validated = sub.validatesConstraint && context.referencedTable?.(key, sub.validatesConstraint);
    if (validated) locks.addKey(validated, 'RowShareLock', 'table');
  }
}

/** Objects renamed "ON table" (a constraint, trigger, policy or rule) lock their table. */
const RENAMED_ON_TABLE = new Set(['OBJECT_TABCONSTRAINT', 'OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

function renameLocks(p: Record<string, unknown>, version: ServerVersion, locks: LockSet): void {
  const type = (p.renameType as string | undefined) ?? '';
  const relKind = type === 'OBJECT_COLUMN' ? KIND_OF_OBJECT[(p.relationType as string | undefined) ?? ''] : RENAMED_ON_TABLE.has(type) ? 'table' : KIND_OF_OBJECT[type];
  if (!relKind) return; // schemas, types, functions …: no table lock
  // Renaming an index needs only SHARE UPDATE EXCLUSIVE since PostgreSQL 12.
  const mode: LockMode = type === 'OBJECT_INDEX' && version.major >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
  locks.addRangeVar(p.relation as RangeVar | undefined, mode, relKind);
}

function objectNames(obj: Node): string[] {
  return stringList((obj as { List?: { items?: Node[] } }).List?.items);
}

function dropLocks(drop: DropStmt, context: LockContext, locks: LockSet): void {
  const type = drop.removeType ?? '';
  const relationKind = KIND_OF_OBJECT[type];
  for (const obj of drop.objects ?? []) {
    const names = objectNames(obj);
    if (relationKind === 'index') {
      const mode: LockMode = drop.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
      const indexKey = qualifiedKey(names);
      locks.addKey(indexKey, mode, 'index');
      const table = context.tableOfIndex?.(indexKey);
      if (table) locks.addKey(table, mode, 'table');
    } else if (relationKind) {
      const key = qualifiedKey(names);
      locks.addKey(key, 'AccessExclusiveLock', relationKind);
      // The foreign keys between it and other tables go too, with their triggers on those tables.
      if (relationKind === 'table') {
        const linked = [...(context.referencedTables?.(key) ?? []), ...(context.referencingTables?.(key) ?? [])];
        for (const other of linked) locks.addKey(other, 'AccessExclusiveLock', 'table');
      }
    } else if (type === 'OBJECT_TRIGGER' || type === 'OBJECT_POLICY' || type === 'OBJECT_RULE') {
      // DROP TRIGGER t ON [schema.]table: the last name is the object, the ones before it the table.
      if (names.length >= 2) locks.addKey(qualifiedKey(names.slice(0, -1)), 'AccessExclusiveLock', 'table');
    }
  }
}

function reindexLocks(reindex: ReindexStmt, context: LockContext, locks: LockSet): void {
  const concurrent = (reindex.params ?? []).some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === 'concurrently');
  if (reindex.kind === 'REINDEX_OBJECT_TABLE') {
    locks.addRangeVar(reindex.relation, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock');
  } else if (reindex.kind === 'REINDEX_OBJECT_INDEX') {
    // The index is rebuilt under ACCESS EXCLUSIVE, its table under SHARE (no writes meanwhile).
    locks.addRangeVar(reindex.relation, concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock', 'index');
    const table = context.tableOfIndex?.(relationKey(reindex.relation));
    if (table) locks.addKey(table, concurrent ? 'ShareUpdateExclusiveLock' : 'ShareLock', 'table');
  }
}

function createTableLocks(p: Record<string, unknown>, locks: LockSet): void {
  for (const r of (p.inhRelations as Node[] | undefined) ?? []) {
    // PARTITION OF takes ACCESS EXCLUSIVE on the parent; INHERITS only SHARE UPDATE EXCLUSIVE.
    locks.addRangeVar((r as { RangeVar?: RangeVar }).RangeVar, p.partbound ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock');
  }
  walk(p.tableElts, (kind, payload) => {
    if (kind === 'Constraint' && payload.contype === 'CONSTR_FOREIGN') locks.addRangeVar(payload.pktable as RangeVar | undefined, 'ShareRowExclusiveLock');
    else if (kind === 'TableLikeClause') locks.addRangeVar(payload.relation as RangeVar | undefined, 'AccessShareLock');
  });
  walk(p.constraints, (kind, payload) => {
    if (kind === 'Constraint' && payload.contype === 'CONSTR_FOREIGN') locks.addRangeVar(payload.pktable as RangeVar | undefined, 'ShareRowExclusiveLock');
  });
}

function truncateLocks(p: Record<string, unknown>, context: LockContext, locks: LockSet): void {
  const pending: string[] = [];
  for (const r of (p.relations as Node[] | undefined) ?? []) {
    const rv = (r as { RangeVar?: RangeVar }).RangeVar;
    locks.addRangeVar(rv, 'AccessExclusiveLock');
    if (rv) pending.push(relationKey(rv));
  }
  if (p.behavior !== 'DROP_CASCADE') return;
  // CASCADE empties every table that references a truncated one, transitively.
  const seen = new Set(pending);
  while (pending.length) {
    for (const other of context.referencingTables?.(pending.pop()!) ?? []) {
      if (seen.has(other)) continue;
      seen.add(other);
      pending.push(other);
      locks.addKey(other, 'AccessExclusiveLock', 'table');
    }
  }
}

function vacuumLocks(p: Record<string, unknown>, locks: LockSet): void {
  const full = ((p.options as Node[] | undefined) ?? []).some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === 'full');
  for (const r of (p.rels as Node[] | undefined) ?? []) {
    const rv = (r as { VacuumRelation?: { relation?: RangeVar } }).VacuumRelation?.relation;
    locks.addRangeVar(rv, full && p.is_vacuumcmd ? 'AccessExclusiveLock' : 'ShareUpdateExclusiveLock');
  }
}

function commentLocks(p: Record<string, unknown>, locks: LockSet): void {
  const names = objectNames(p.object as Node);
  const type = p.objtype as string | undefined;
  if (type === 'OBJECT_COLUMN' && names.length >= 2) locks.addKey(qualifiedKey(names.slice(0, -1)), 'ShareUpdateExclusiveLock', 'table');
  else if (type && KIND_OF_OBJECT[type] && names.length) locks.addKey(qualifiedKey(names), 'ShareUpdateExclusiveLock', KIND_OF_OBJECT[type]!);
  // COMMENT ON CONSTRAINT/TRIGGER/POLICY/RULE … ON table only reads the table's catalog entry.
  else if (type && RENAMED_ON_TABLE.has(type) && names.length >= 2) locks.addKey(qualifiedKey(names.slice(0, -1)), 'AccessShareLock', 'table');
}
