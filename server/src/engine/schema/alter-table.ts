/**
 * ALTER TABLE (and ALTER INDEX / VIEW / SEQUENCE, which share the statement) on the schema model.
 * Column changes on a partitioned or inherited parent reach its partitions and children, as they do
 * in PostgreSQL.
 */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, PartitionCmd } from '@pgsql/types';
import { nodePayload, relationKey, stringList, typeLabel } from '../dialects/postgres/ast';
import type { Applier } from './apply';
import { addColumn, addConstraint, setDefault } from './columns';
import { columnsRead } from './expressions';
import { attachPartition, detachPartition } from './tables';
import { dropColumnDependents } from './drop-column';
import type { TableModel } from './objects';

/** Subcommands with no effect on what the model tracks (storage, statistics, ownership, security). */
const NO_MODEL_EFFECT = new Set([
  'AT_ChangeOwner', 'AT_SetTableSpace', 'AT_SetRelOptions', 'AT_ResetRelOptions', 'AT_ReplaceRelOptions', 'AT_SetStatistics',
  'AT_SetOptions', 'AT_ResetOptions', 'AT_SetStorage', 'AT_SetCompression', 'AT_ClusterOn', 'AT_DropCluster',
  'AT_EnableRowSecurity', 'AT_DisableRowSecurity', 'AT_ForceRowSecurity', 'AT_NoForceRowSecurity', 'AT_ReplicaIdentity',
  'AT_GenericOptions', 'AT_AlterColumnGenericOptions', 'AT_SetAccessMethod', 'AT_AlterConstraint', 'AT_EnableRule',
  'AT_EnableAlwaysRule', 'AT_EnableReplicaRule', 'AT_DisableRule', 'AT_AddOf', 'AT_DropOf',
]);

/** Subcommands that change a column and reach the partitions / children of the table. */
const RECURSES = new Set(['AT_AddColumn', 'AT_DropColumn', 'AT_AlterColumnType', 'AT_SetNotNull', 'AT_DropNotNull', 'AT_ColumnDefault']);

export function applyAlterTable(a: Applier, alter: AlterTableStmt): void {
  const key = relationKey(alter.relation);
  const cmds = (alter.cmds ?? []).map((c) => (c as { AlterTableCmd?: AlterTableCmd }).AlterTableCmd).filter((c): c is AlterTableCmd => c !== undefined);
  if (alter.objtype === 'OBJECT_INDEX') {
    for (const cmd of cmds) if (cmd.subtype !== 'AT_AttachPartition' && !NO_MODEL_EFFECT.has(cmd.subtype ?? '')) a.unhandled(`ALTER INDEX ${cmd.subtype}`);
    return;
  }
  if (alter.objtype !== 'OBJECT_TABLE' && alter.objtype !== 'OBJECT_FOREIGN_TABLE') {
    // Views, materialized views, sequences and types: only ownership and options in practice.
    for (const cmd of cmds) if (!NO_MODEL_EFFECT.has(cmd.subtype ?? '')) a.unhandled(`ALTER ${String(alter.objtype).replace('OBJECT_', '')} ${cmd.subtype}`);
    return;
  }
  const table = a.model.table(key);
  if (!table) return;
  for (const cmd of cmds) {
    applyCommand(a, table, cmd);
    if (RECURSES.has(cmd.subtype ?? '')) for (const child of childrenOf(a, table, alter.relation?.inh !== false)) applyCommand(a, child, cmd);
  }
}

function childrenOf(a: Applier, parent: TableModel, withInherited: boolean): TableModel[] {
  const out: TableModel[] = [];
  for (const t of a.model.tables.values()) {
    if (t.partitionOf === parent.key || (withInherited && t.inherits?.includes(parent.key))) out.push(t);
  }
  return out;
}

function applyCommand(a: Applier, table: TableModel, cmd: AlterTableCmd): void {
  const subtype = cmd.subtype ?? '';
  const column = cmd.name ? table.columns.get(cmd.name) : undefined;
  const touchColumn = () => {
    a.touch(table.key, table);
    if (column) a.touch(table.key, column);
  };
  switch (subtype) {
    case 'AT_AddColumn': {
      const def = nodePayload<ColumnDef>(cmd.def);
      if (def && !(cmd.missing_ok && table.columns.has(def.colname ?? ''))) addColumn(a, table, def);
      return;
    }
    case 'AT_DropColumn':
      if (cmd.name && table.columns.has(cmd.name)) dropColumnDependents(a, table, cmd.name, cmd.behavior === 'DROP_CASCADE');
      return;
    case 'AT_SetNotNull':
      if (column) column.notNull = true;
      touchColumn();
      return;
    case 'AT_DropNotNull':
      if (column) column.notNull = false;
      table.constraints = table.constraints.filter((k) => !(k.kind === 'not-null' && k.provesNotNull === cmd.name));
      touchColumn();
      return;
    case 'AT_ColumnDefault':
      if (column) setDefault(column, cmd.def);
      touchColumn();
      return;
    case 'AT_AlterColumnType': {
      const def = nodePayload<ColumnDef>(cmd.def);
      if (column && def?.typeName) column.type = typeLabel(def.typeName);
      if (column && def?.collClause) column.collation = stringList(def.collClause.collname).join('.');
      touchColumn();
      return;
    }
    case 'AT_AddConstraint': {
      const constraint = (cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
      if (constraint) addConstraint(a, table, constraint, []);
      return;
    }
    case 'AT_ValidateConstraint':
      for (const k of table.constraints) {
        if (k.name !== cmd.name) continue;
        k.validated = true;
        a.touch(table.key, k);
        // A validated NOT NULL constraint (PostgreSQL 18) makes the column NOT NULL.
        const proven = k.kind === 'not-null' && k.provesNotNull ? table.columns.get(k.provesNotNull) : undefined;
        if (proven) proven.notNull = true;
      }
      a.touch(table.key, table);
      return;
    case 'AT_DropConstraint':
      dropConstraint(a, table, cmd.name);
      return;
    case 'AT_AddIdentity':
    case 'AT_SetIdentity': {
      const constraint = (cmd.def as { Constraint?: Constraint } | undefined)?.Constraint;
      if (column && constraint?.generated_when) column.identity = constraint.generated_when === 'a' ? 'always' : 'by-default';
      if (column && subtype === 'AT_AddIdentity') column.hasDefault = column.notNull = true;
      touchColumn();
      return;
    }
    case 'AT_DropIdentity':
      if (column) {
        delete column.identity;
        column.hasDefault = column.default !== undefined;
      }
      touchColumn();
      return;
    case 'AT_SetExpression':
      if (column?.generated) column.generated.reads = columnsRead(cmd.def);
      touchColumn();
      return;
    case 'AT_DropExpression':
      if (column) {
        delete column.generated;
        column.hasDefault = column.default !== undefined || column.identity !== undefined;
      }
      touchColumn();
      return;
    case 'AT_AttachPartition':
      attachPartition(a, table, nodePayload<PartitionCmd>(cmd.def));
      return;
    case 'AT_DetachPartition':
      detachPartition(a, table, nodePayload<PartitionCmd>(cmd.def));
      return;
    case 'AT_DetachPartitionFinalize':
      return;
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      table.unlogged = subtype === 'AT_SetUnLogged';
      a.touch(table.key, table);
      return;
    case 'AT_AddInherit':
    case 'AT_DropInherit': {
      const parent = relationKey(nodePayload(cmd.def) as never);
      const inherits = (table.inherits ?? []).filter((k) => k !== parent);
      table.inherits = subtype === 'AT_AddInherit' ? [...inherits, parent] : inherits;
      a.touch(table.key, table);
      return;
    }
    default:
      if (/^AT_(Enable|Disable).*Trig/.test(subtype)) setTriggersEnabled(a, table, subtype, cmd.name);
      else if (!NO_MODEL_EFFECT.has(subtype)) a.unhandled(`AlterTableStmt ${subtype}`);
  }
}

export function dropConstraint(a: Applier, table: TableModel, name: string | undefined): void {
  const dropped = table.constraints.filter((k) => k.name === name);
  if (dropped.length === 0) return;
  table.constraints = table.constraints.filter((k) => k.name !== name);
  // The index behind a unique, primary-key or exclusion constraint goes with it.
  const indexes = new Set(dropped.map((k) => k.index).filter((i): i is string => i !== undefined));
  for (const index of table.indexes) if (index.name && indexes.has(index.name)) a.model.indexTables.delete(`${table.key.slice(0, table.key.indexOf('.'))}.${index.name}`);
  table.indexes = table.indexes.filter((i) => !(i.name && indexes.has(i.name)));
  a.touch(table.key, table);
}

/** ENABLE / DISABLE TRIGGER name | ALL | USER. */
function setTriggersEnabled(a: Applier, table: TableModel, subtype: string, name: string | undefined): void {
  const enabled = subtype.startsWith('AT_Enable');
  const all = /TrigAll$|TrigUser$/.test(subtype);
  for (const trigger of a.model.triggersOn(table.key)) {
    if (all || trigger.name === name) {
      trigger.enabled = enabled;
      a.touch(table.key, trigger);
    }
  }
  a.touch(table.key, table);
}
