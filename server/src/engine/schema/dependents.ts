/**
 * What depends on a column, as PostgreSQL sees it (views, generated columns, declared trigger columns,
 * foreign keys pointing at it: it refuses to drop or retype the column while they exist) and as it
 * does not (trigger function bodies, which it does not track: they fail at run time instead).
 */
import type { SchemaModel } from './model';
import type { ColumnModel, ConstraintModel, IndexModel, TableModel, TriggerModel, ViewModel } from './objects';

export interface ColumnDependents {
  views: ViewModel[];
  generated: ColumnModel[];
  /** Triggers declared on the column: `UPDATE OF col`, or a WHEN condition reading it. */
  declaredTriggers: TriggerModel[];
  /** Foreign keys of other tables (or this one) referencing the column. */
  referencingForeignKeys: { table: string; constraint: ConstraintModel }[];
  /** Triggers whose function body reads or writes NEW.col / OLD.col. */
  bodyTriggers: { trigger: TriggerModel; reads: boolean; writes: boolean }[];
  indexes: IndexModel[];
  /** Constraints of the table on the column (dropped with it). */
  constraints: ConstraintModel[];
}

function primaryKeyColumns(table: TableModel | undefined): string[] {
  return table?.constraints.find((k) => k.kind === 'primary-key')?.columns ?? [];
}

/** `foreignKeys: false` skips the search of every table for foreign keys (left empty) when the caller does not use them. */
export function columnDependents(model: SchemaModel, tableKey: string, column: string, options: { foreignKeys?: boolean } = {}): ColumnDependents {
  const table = model.table(tableKey);
  const views = [...model.views.values()].filter((v) => v.dependsOn.some((d) => d.table === tableKey && d.column === column));
  const generated = [...(table?.columns.values() ?? [])].filter((c) => c.name !== column && c.generated?.reads.includes(column));
  const triggers = model.triggersOn(tableKey);
  const declaredTriggers = triggers.filter((t) => t.updateColumns.includes(column) || t.whenColumns.includes(column));
  const referencingForeignKeys: ColumnDependents['referencingForeignKeys'] = [];
  for (const other of options.foreignKeys === false ? [] : model.tables.values()) {
    for (const k of other.constraints) {
      if (k.kind !== 'foreign-key' || k.references !== tableKey) continue;
      if ((k.referencedColumns ?? primaryKeyColumns(table)).includes(column)) referencingForeignKeys.push({ table: other.key, constraint: k });
    }
  }
  const bodyTriggers: ColumnDependents['bodyTriggers'] = [];
  for (const trigger of triggers) {
    const body = model.functions.get(trigger.function)?.body;
    if (!body) continue;
    const reads = body.newReads.includes(column) || body.oldReads.includes(column);
    const writes = body.newWrites.includes(column);
    if (reads || writes) bodyTriggers.push({ trigger, reads, writes });
  }
  const indexes = (table?.indexes ?? []).filter((i) => i.columns.includes(column) || i.expressionColumns?.includes(column));
  const constraints = (table?.constraints ?? []).filter((k) => k.columns.includes(column));
  return { views, generated, declaredTriggers, referencingForeignKeys, bodyTriggers, indexes, constraints };
}

/** "view active_users, materialized view stats and column total": for messages. */
export function refusingDependents(d: ColumnDependents, label: (key: string) => string): string[] {
  return [
    ...d.views.map((v) => `${v.materialized ? 'materialized view' : 'view'} ${label(v.key)}`),
    ...d.generated.map((c) => `generated column ${c.name}`),
    ...d.declaredTriggers.map((t) => `trigger ${t.name}`),
    ...d.referencingForeignKeys.map((f) => `foreign key ${f.constraint.name ?? '?'} on ${label(f.table)}`),
  ];
}
