/**
 * The schema as the migrations so far have built it. Rules see the model as it stands *before* the
 * statement they check: the linter applies each statement after its rules have run.
 *
 * Tables the model has never seen are treated as existing (conservatively) by the rules; a table
 * whose `origin` is 'current-file' was created earlier in the file being linted and is empty, so
 * nothing done to it is hazardous. The history layer replays earlier migrations with origin
 * 'history' into the same model.
 */
import type { ColumnDef, Constraint, CreateStmt, Node } from '@pgsql/types';
import type { Statement } from '../dialects/postgres/statement';
import { nodePayload, relationKey, stringList, typeLabel } from '../dialects/postgres/ast';
import { applyAlterTable, applyMiscStatement } from './apply';

export type Origin = 'history' | 'current-file';

export interface ColumnModel {
  name: string;
  /** As written, normalised: `bigint`, `varchar(20)`, `text[]`. */
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

export type ConstraintKind = 'check' | 'unique' | 'primary-key' | 'foreign-key' | 'exclusion' | 'not-null';

export interface ConstraintModel {
  name?: string;
  kind: ConstraintKind;
  columns: string[];
  validated: boolean;
  /** For `CHECK (c IS NOT NULL)`: the column it proves not null. */
  provesNotNull?: string;
  /** For a foreign key: the key of the table it references (`public.orgs`). */
  references?: string;
  origin: Origin;
}

export interface IndexModel {
  name?: string;
  columns: string[];
  unique: boolean;
  origin: Origin;
}

export interface TableModel {
  key: string;
  columns: Map<string, ColumnModel>;
  constraints: ConstraintModel[];
  indexes: IndexModel[];
  partitioned: boolean;
  origin: Origin;
}

export class SchemaModel {
  readonly tables = new Map<string, TableModel>();
  /** Indexes by schema-qualified index name, pointing at their table key. */
  readonly indexTables = new Map<string, string>();
  readonly enums = new Map<string, { values: string[]; origin: Origin }>();

  table(key: string): TableModel | undefined {
    return this.tables.get(key);
  }

  /** True when the table was created earlier in the file being linted (so it is new and empty). */
  isNewTable(key: string): boolean {
    return this.tables.get(key)?.origin === 'current-file';
  }

  /** After a file of the history: what it created is no longer new to the files that follow. */
  settleFile(): void {
    for (const table of this.tables.values()) {
      table.origin = 'history';
      for (const c of table.constraints) c.origin = 'history';
      for (const i of table.indexes) i.origin = 'history';
    }
    for (const e of this.enums.values()) e.origin = 'history';
  }

  /** Applies one statement's effect on the schema. Statements the model does not track are ignored. */
  apply(stmt: Statement, origin: Origin): void {
    const node = stmt.node;
    if (!node) return;
    const create = stmt.as('CreateStmt');
    if (create) this.applyCreateTable(create, origin);
    else if (stmt.kind === 'AlterTableStmt') applyAlterTable(this, stmt, origin);
    else applyMiscStatement(this, stmt, origin);
  }

  private applyCreateTable(create: CreateStmt, origin: Origin): void {
    const key = relationKey(create.relation);
    if (create.if_not_exists && this.tables.has(key)) return;
    const table: TableModel = {
      key,
      columns: new Map(),
      constraints: [],
      indexes: [],
      partitioned: create.partspec !== undefined,
      origin,
    };
    for (const element of create.tableElts ?? []) {
      const column = nodePayload<ColumnDef>(element);
      if ((element as { ColumnDef?: unknown }).ColumnDef && column) addColumn(table, column, origin);
      const constraint = (element as { Constraint?: Constraint }).Constraint;
      if (constraint) addConstraint(table, constraint, [], origin);
    }
    this.tables.set(key, table);
  }
}

export function addColumn(table: TableModel, def: ColumnDef, origin: Origin): void {
  const name = def.colname ?? '';
  const column: ColumnModel = { name, type: typeLabel(def.typeName), notNull: false, hasDefault: false };
  table.columns.set(name, column);
  for (const c of def.constraints ?? []) {
    const constraint = (c as { Constraint?: Constraint }).Constraint;
    if (!constraint) continue;
    if (constraint.contype === 'CONSTR_NOTNULL' || constraint.contype === 'CONSTR_PRIMARY') column.notNull = true;
    if (constraint.contype === 'CONSTR_DEFAULT' || constraint.contype === 'CONSTR_IDENTITY' || constraint.contype === 'CONSTR_GENERATED') column.hasDefault = true;
    addConstraint(table, constraint, [name], origin);
  }
  if (/serial$/.test(column.type)) column.hasDefault = true;
}

const KIND_OF: Partial<Record<string, ConstraintKind>> = {
  CONSTR_CHECK: 'check',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_EXCLUSION: 'exclusion',
};

export function addConstraint(table: TableModel, c: Constraint, inlineColumns: string[], origin: Origin): void {
  const kind = c.contype ? KIND_OF[c.contype] : undefined;
  if (!kind) return;
  // `… USING INDEX i` names no columns: they are the index's.
  const usedIndex = c.indexname ? table.indexes.find((i) => i.name === c.indexname) : undefined;
  const columns = kind === 'foreign-key' ? stringList(c.fk_attrs) : c.keys ? stringList(c.keys) : (usedIndex?.columns ?? inlineColumns);
  const model: ConstraintModel = {
    name: c.conname,
    kind,
    columns: columns.length ? columns : inlineColumns,
    validated: !c.skip_validation,
    origin,
  };
  if (kind === 'check') model.provesNotNull = notNullCheckColumn(c.raw_expr);
  if (kind === 'foreign-key' && c.pktable) model.references = relationKey(c.pktable);
  table.constraints.push(model);
  // A primary key makes its columns NOT NULL (PostgreSQL sets it implicitly).
  if (kind === 'primary-key') {
    for (const name of model.columns) {
      const column = table.columns.get(name);
      if (column) column.notNull = true;
    }
  }
  if ((kind === 'primary-key' || kind === 'unique') && !usedIndex) table.indexes.push({ name: c.indexname ?? c.conname, columns: model.columns, unique: true, origin });
}

/** `CHECK (c IS NOT NULL)` → 'c'. */
function notNullCheckColumn(expr: Node | undefined): string | undefined {
  const test = (expr as { NullTest?: { nulltesttype?: string; arg?: Node } } | undefined)?.NullTest;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const ref = (test.arg as { ColumnRef?: { fields?: Node[] } } | undefined)?.ColumnRef;
  const names = stringList(ref?.fields);
  return names[names.length - 1];
}
