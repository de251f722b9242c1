/**
 * The lock each ALTER TABLE subcommand takes, as PostgreSQL's AlterTableGetLockLevel() decides it and
 * as measured in pg_locks on PostgreSQL 15. The statement takes the strongest lock of its subcommands
 * on the altered relation; some subcommands lock a second relation too (the referenced table of a
 * foreign key, the partition being attached, the new parent).
 */
import type { AlterTableCmd, ColumnDef, Constraint, Node, PartitionCmd, RangeVar } from '@pgsql/types';
import { nodePayload } from '../dialects/postgres/ast';
import type { ServerVersion } from '../types';
import type { LockMode } from './modes';

/** A lock on a relation other than the altered one. */
export interface OtherRelationLock {
  relation: RangeVar;
  mode: LockMode;
}

export interface SubcommandLocks {
  /** The lock on the altered relation. */
  mode: LockMode;
  others: OtherRelationLock[];
  /** A foreign key constraint this subcommand drops (its referenced table is locked too). */
  dropsConstraint?: string;
  /** A foreign key constraint this subcommand validates (its referenced table gets ROW SHARE). */
  validatesConstraint?: string;
}

const SHARE_UPDATE_EXCLUSIVE_SUBCOMMANDS = new Set([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_ClusterOn',
  'AT_DropCluster',
  'AT_ValidateConstraint',
  'AT_DetachPartitionFinalize',
]);

const SHARE_ROW_EXCLUSIVE_SUBCOMMANDS = new Set([
  'AT_EnableTrig',
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_EnableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrig',
  'AT_DisableTrigAll',
  'AT_DisableTrigUser',
]);

/**
 * Storage parameters whose change needs only SHARE UPDATE EXCLUSIVE (reloptions.c): they tune vacuum,
 * fill factor and parallelism but do not change query results. Every other parameter (user_catalog_table,
 * a view's security_barrier, check_option …) takes ACCESS EXCLUSIVE.
 */
const LIGHT_STORAGE_PARAMETERS = new Set([
  'fillfactor',
  'toast_tuple_target',
  'parallel_workers',
  'vacuum_index_cleanup',
  'vacuum_truncate',
  'log_autovacuum_min_duration',
  'deduplicate_items',
  'fastupdate',
  'gin_pending_list_limit',
  'autosummarize',
  'buffering',
]);

function storageParametersLock(def: Node | undefined): LockMode {
  const items = (def as { List?: { items?: Node[] } } | undefined)?.List?.items ?? [];
  for (const item of items) {
    const name = ((item as { DefElem?: { defname?: string } }).DefElem?.defname ?? '').toLowerCase();
    if (!LIGHT_STORAGE_PARAMETERS.has(name) && !name.startsWith('autovacuum_')) return 'AccessExclusiveLock';
  }
  return 'ShareUpdateExclusiveLock';
}

/** Referenced tables of the foreign keys among constraints (an ADD CONSTRAINT or a column's inline constraints). */
function foreignKeyTargets(constraints: (Constraint | undefined)[]): OtherRelationLock[] {
  const out: OtherRelationLock[] = [];
  for (const c of constraints) if (c?.contype === 'CONSTR_FOREIGN' && c.pktable) out.push({ relation: c.pktable, mode: 'ShareRowExclusiveLock' });
  return out;
}

export function subcommandLocks(cmd: AlterTableCmd, version: ServerVersion): SubcommandLocks {
  const subtype = cmd.subtype ?? '';
  if (SHARE_UPDATE_EXCLUSIVE_SUBCOMMANDS.has(subtype)) {
    return { mode: 'ShareUpdateExclusiveLock', others: [], validatesConstraint: subtype === 'AT_ValidateConstraint' ? cmd.name : undefined };
  }
  if (SHARE_ROW_EXCLUSIVE_SUBCOMMANDS.has(subtype)) return { mode: 'ShareRowExclusiveLock', others: [] };
  switch (subtype) {
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
      return { mode: storageParametersLock(cmd.def), others: [] };
    case 'AT_AddConstraint': {
      const constraint = (cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
      // A foreign key adds triggers to both tables: SHARE ROW EXCLUSIVE, as CREATE TRIGGER.
      if (constraint?.contype === 'CONSTR_FOREIGN') return { mode: 'ShareRowExclusiveLock', others: foreignKeyTargets([constraint]) };
      return { mode: 'AccessExclusiveLock', others: [] };
    }
    case 'AT_AddColumn': {
      const column = nodePayload<ColumnDef>(cmd.def);
      const inline = (column?.constraints ?? []).map((c) => (c as { Constraint?: Constraint }).Constraint);
      return { mode: 'AccessExclusiveLock', others: foreignKeyTargets(inline) };
    }
    case 'AT_DropConstraint':
      return { mode: 'AccessExclusiveLock', others: [], dropsConstraint: cmd.name };
    case 'AT_AttachPartition': {
      const partition = (cmd.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd?.name;
      // Since PostgreSQL 12 the parent only needs SHARE UPDATE EXCLUSIVE; the partition is scanned
      // under ACCESS EXCLUSIVE to check its rows against the bounds.
      const parent: LockMode = version.major >= 12 ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
      return { mode: parent, others: partition ? [{ relation: partition, mode: 'AccessExclusiveLock' }] : [] };
    }
    case 'AT_DetachPartition': {
      const partitionCmd = (cmd.def as { PartitionCmd?: PartitionCmd } | undefined)?.PartitionCmd;
      const mode: LockMode = partitionCmd?.concurrent ? 'ShareUpdateExclusiveLock' : 'AccessExclusiveLock';
      return { mode, others: partitionCmd?.name ? [{ relation: partitionCmd.name, mode }] : [] };
    }
    case 'AT_AddInherit': {
      const parent = (cmd.def as { RangeVar?: RangeVar } | undefined)?.RangeVar;
      return { mode: 'AccessExclusiveLock', others: parent ? [{ relation: parent, mode: 'ShareUpdateExclusiveLock' }] : [] };
    }
    default:
      // Everything else (ADD/DROP COLUMN, SET DEFAULT, SET/DROP NOT NULL, TYPE, owner, row security,
      // replica identity, identity, storage, compression, tablespace, LOGGED/UNLOGGED, rules …).
      return { mode: 'AccessExclusiveLock', others: [] };
  }
}
