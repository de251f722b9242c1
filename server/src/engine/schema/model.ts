/**
 * The schema as the migrations so far have built it. Rules see the model as it stands *before* the
 * statement they check: the linter applies each statement after its rules have run.
 *
 * Tables the model has never seen are treated as existing (conservatively) by the rules; a table
 * whose `origin` is 'current-file' was created earlier in the file being linted and is empty, so
 * nothing done to it is hazardous. The history layer replays earlier migrations with origin
 * 'history' into the same model, one migration at a time (`migration` names the one being applied,
 * and every object it changes records it in `changedBy`).
 *
 * DDL the model does not understand is never dropped silently: `unhandled` counts it per kind.
 */
import type { Statement } from '../dialects/postgres/statement';
import { applyStatement } from './apply';
import { cloneModel } from './clone';
import type {
  DomainModel,
  EnumModel,
  FunctionModel,
  MigrationRef,
  Origin,
  SequenceModel,
  TableModel,
  TriggerModel,
  ViewModel,
} from './objects';

export type * from './objects';
export { newTableModel } from './objects';

export class SchemaModel {
  readonly tables = new Map<string, TableModel>();
  /** Indexes by schema-qualified index name, pointing at their table key. */
  readonly indexTables = new Map<string, string>();
  readonly enums = new Map<string, EnumModel>();
  readonly views = new Map<string, ViewModel>();
  readonly functions = new Map<string, FunctionModel>();
  /** Triggers by the key of their table. */
  readonly triggers = new Map<string, TriggerModel[]>();
  readonly domains = new Map<string, DomainModel>();
  readonly sequences = new Map<string, SequenceModel>();
  /** Composite types (CREATE TYPE … AS (…)) and their attribute names. */
  readonly compositeTypes = new Map<string, { attributes: string[]; origin: Origin }>();
  /** Statements the model does not understand, counted per kind (`DoStmt`, `AlterTableStmt AT_SetAccessMethod` …). */
  readonly unhandled = new Map<string, number>();
  /** The migration whose statements are being applied (set by the history layer). */
  migration: MigrationRef | undefined;
  private changes = new Set<string>();
  /** Keys changed since the last settleFile(): the only places a 'current-file' origin can be. */
  private readonly unsettled = new Set<string>();

  table(key: string): TableModel | undefined {
    return this.tables.get(key);
  }

  view(key: string): ViewModel | undefined {
    return this.views.get(key);
  }

  triggersOn(tableKey: string): TriggerModel[] {
    return this.triggers.get(tableKey) ?? [];
  }

  /** True when the table was created earlier in the file being linted (so it is new and empty). */
  isNewTable(key: string): boolean {
    return this.tables.get(key)?.origin === 'current-file';
  }

  /** After a file of the history: what it created is no longer new to the files that follow. */
  settleFile(): void {
    // Only objects changed since the last settle can be new; a full scan per migration would make
    // replaying a long history quadratic.
    for (const key of this.unsettled) {
      const table = this.tables.get(key);
      if (table) settleTable(table);
      for (const t of this.triggers.get(key) ?? []) t.origin = 'history';
      for (const map of [this.enums, this.views, this.functions, this.domains, this.sequences, this.compositeTypes]) {
        const o = map.get(key);
        if (o) o.origin = 'history';
      }
    }
    this.unsettled.clear();
  }

  /** Applies one statement's effect on the schema; what the model does not understand is counted in `unhandled`. */
  apply(stmt: Statement, origin: Origin): void {
    applyStatement(this, stmt, origin);
  }

  /** Records that the object with this key changed (for incremental re-linting). */
  noteChange(key: string): void {
    this.changes.add(key);
    this.unsettled.add(key);
  }

  /** Keys of the objects changed since the previous call. */
  takeChanges(): Set<string> {
    const out = this.changes;
    this.changes = new Set();
    return out;
  }

  countUnhandled(kind: string): void {
    this.unhandled.set(kind, (this.unhandled.get(kind) ?? 0) + 1);
  }

  /**
   * Marks an object created outside `apply` (by hand, in a test or a rule's scratch model) so that
   * settleFile() finds it.
   */
  markUnsettled(key: string): void {
    this.unsettled.add(key);
  }

  /** A deep copy: the history layer keeps one per migration boundary to re-lint from the middle. */
  clone(): SchemaModel {
    return cloneModel(this, new SchemaModel());
  }
}

function settleTable(table: TableModel): void {
  table.origin = 'history';
  for (const c of table.constraints) c.origin = 'history';
  for (const i of table.indexes) i.origin = 'history';
  for (const c of table.columns.values()) {
    if (c.origin) c.origin = 'history';
    if (c.backfill) c.backfill.origin = 'history';
  }
  for (const copy of table.copiedFrom ?? []) copy.origin = 'history';
}
