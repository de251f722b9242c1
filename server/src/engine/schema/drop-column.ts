/**
 * DROP COLUMN on the model. PostgreSQL drops the column's indexes and the constraints on it silently;
 * views, generated columns and triggers declared on the column (UPDATE OF, WHEN) make it refuse unless
 * CASCADE, which drops them too. Without CASCADE the migration only succeeded if they were gone, so the
 * model forgets just the dependency on the column rather than objects it may know better than the
 * database did.
 */
import type { Applier } from './apply';
import { dropView } from './views';
import type { TableModel } from './objects';

export function dropColumnDependents(a: Applier, table: TableModel, name: string, cascade: boolean): void {
  table.columns.delete(name);
  const schema = table.key.slice(0, table.key.indexOf('.'));
  const droppedConstraints = table.constraints.filter((k) => k.columns.includes(name) || k.provesNotNull === name);
  table.constraints = table.constraints.filter((k) => !droppedConstraints.includes(k));
  const constraintIndexes = new Set(droppedConstraints.map((k) => k.index));
  const keep = table.indexes.filter((i) => !(i.columns.includes(name) || i.expressionColumns?.includes(name) || constraintIndexes.has(i.name)));
  for (const index of table.indexes) if (!keep.includes(index) && index.name) a.model.indexTables.delete(`${schema}.${index.name}`);
  table.indexes = keep;
  for (const column of [...table.columns.values()]) {
    if (!column.generated?.reads.includes(name)) continue;
    if (cascade) table.columns.delete(column.name);
    else column.generated.reads = column.generated.reads.filter((c) => c !== name);
  }
  const triggers = a.model.triggersOn(table.key);
  const remaining = triggers.filter((t) => {
    const declared = t.updateColumns.includes(name) || t.whenColumns.includes(name);
    if (!declared) return true;
    if (cascade) return false;
    t.updateColumns = t.updateColumns.filter((c) => c !== name);
    t.whenColumns = t.whenColumns.filter((c) => c !== name);
    return true;
  });
  if (remaining.length !== triggers.length) a.model.triggers.set(table.key, remaining);
  for (const view of [...a.model.views.values()]) {
    if (!view.dependsOn.some((d) => d.table === table.key && d.column === name)) continue;
    if (cascade) dropView(a, view.key, true);
    else view.dependsOn = view.dependsOn.filter((d) => !(d.table === table.key && d.column === name));
  }
  for (const sequence of [...a.model.sequences.values()]) {
    if (sequence.ownedBy?.table === table.key && sequence.ownedBy.column === name) {
      a.model.sequences.delete(sequence.key);
      a.touch(sequence.key);
    }
  }
  a.touch(table.key, table);
}
