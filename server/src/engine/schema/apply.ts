/**
 * How statements change the schema model: a dispatcher by parse-node kind to one handler per area
 * (tables, ALTER TABLE, indexes, views, functions and triggers, types, data). A kind with no handler
 * either cannot change the schema (grants, comments, transactions, DML without schema effect) or is
 * counted in `model.unhandled`, so a report can say how much of the history the model did not follow.
 */
import type { Node } from '@pgsql/types';
import { nodeKind, nodePayload } from '../dialects/postgres/ast';
import { PSQL_META, type Statement } from '../dialects/postgres/statement';
import { applyAlterTable } from './alter-table';
import { applyDoStatement, applyInsert, applyUpdate } from './data';
import { applyAlterObjectSchema, applyDrop, applyRename } from './drop-rename';
import { applyCreateFunction, applyCreateTrigger } from './functions';
import { applyCreateIndex } from './indexes';
import type { SchemaModel } from './model';
import type { MigrationRef, Origin } from './objects';
import { applyCreateTable, applyCreateTableAs, applySelectInto } from './tables';
import { applyAlterDomain, applyAlterEnum, applyCompositeType, applyCreateDomain, applyCreateEnum, applyCreateSequence, applyAlterSequence } from './user-types';
import { applyView } from './views';

/** What a handler needs: the model, the origin to give new objects, and the current migration. */
export interface Applier {
  readonly model: SchemaModel;
  readonly origin: Origin;
  readonly by: MigrationRef | undefined;
  /** Marks an object as changed by the current migration and notes its key for incremental re-linting. */
  touch(key: string, object?: object): void;
  /** Counts a statement (or part of one) the model does not understand. */
  unhandled(kind: string): void;
  /** Applies a statement found inside another one (a DO block's body). */
  nested(node: Node): void;
}

type Handler = (a: Applier, payload: never) => void;

const HANDLERS: Record<string, Handler> = {
  CreateStmt: applyCreateTable,
  CreateTableAsStmt: applyCreateTableAs,
  AlterTableStmt: applyAlterTable,
  IndexStmt: applyCreateIndex,
  DropStmt: applyDrop,
  RenameStmt: applyRename,
  AlterObjectSchemaStmt: applyAlterObjectSchema,
  ViewStmt: applyView,
  CreateFunctionStmt: applyCreateFunction,
  CreateTrigStmt: applyCreateTrigger,
  CreateEnumStmt: applyCreateEnum,
  AlterEnumStmt: applyAlterEnum,
  CreateDomainStmt: applyCreateDomain,
  AlterDomainStmt: applyAlterDomain,
  CompositeTypeStmt: applyCompositeType,
  CreateSeqStmt: applyCreateSequence,
  AlterSeqStmt: applyAlterSequence,
  UpdateStmt: applyUpdate,
  InsertStmt: applyInsert,
  SelectStmt: applySelectInto,
  DoStmt: applyDoStatement,
};

/**
 * Kinds that cannot change what the model tracks: data changes, transactions and settings, comments,
 * privileges, roles, ownership, maintenance, extensions (their objects are unknown to the model and
 * treated as such), and statistics targets.
 */
const NO_SCHEMA_EFFECT = new Set([
  'DeleteStmt', 'MergeStmt', 'TransactionStmt', 'VariableSetStmt', 'VariableShowStmt', 'CommentStmt', 'SecLabelStmt',
  'GrantStmt', 'GrantRoleStmt', 'AlterDefaultPrivilegesStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt',
  'DropRoleStmt', 'AlterOwnerStmt', 'ReassignOwnedStmt', 'DropOwnedStmt', 'VacuumStmt', 'ClusterStmt', 'ReindexStmt',
  'RefreshMatViewStmt', 'LockStmt', 'NotifyStmt', 'ListenStmt', 'UnlistenStmt', 'ExplainStmt', 'CheckPointStmt',
  'DiscardStmt', 'CopyStmt', 'PrepareStmt', 'ExecuteStmt', 'DeallocateStmt', 'CreateExtensionStmt', 'AlterExtensionStmt',
  'AlterExtensionContentsStmt', 'CreateSchemaStmt', 'AlterFunctionStmt', 'AlterDatabaseStmt', 'AlterDatabaseSetStmt',
  'AlterDatabaseRefreshCollStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt',
  'DropTableSpaceStmt', 'AlterTableSpaceOptionsStmt', 'LoadStmt', 'ConstraintsSetStmt', 'Empty',
]);

export function applyStatement(model: SchemaModel, stmt: Statement, origin: Origin): void {
  if (!stmt.node) {
    // `\i file` runs another file the linter never sees.
    if (stmt.kind === PSQL_META && /^\\(i|ir|include|include_relative)\b/.test(stmt.text)) model.countUnhandled('psql \\i');
    return;
  }
  try {
    applyNode(createApplier(model, origin), stmt.node);
  } catch {
    // A gap in the model must never stop the linting of a file: count it like any other statement it cannot follow.
    model.countUnhandled(`${stmt.kind} (model error)`);
  }
}

export function createApplier(model: SchemaModel, origin: Origin): Applier {
  const by = model.migration;
  const applier: Applier = {
    model,
    origin,
    by,
    touch(key, object) {
      if (object && by) (object as { changedBy?: MigrationRef }).changedBy = by;
      model.noteChange(key);
    },
    unhandled: (kind) => model.countUnhandled(kind),
    nested: (node) => applyNode(applier, node),
  };
  return applier;
}

export function applyNode(a: Applier, node: Node): void {
  const kind = nodeKind(node);
  if (!kind) return;
  const handler = HANDLERS[kind];
  if (handler) handler(a, nodePayload(node) as never);
  else if (!NO_SCHEMA_EFFECT.has(kind)) a.unhandled(kind);
}
