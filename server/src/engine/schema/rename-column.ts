/**
 * RENAME COLUMN on the model. PostgreSQL keeps every dependency by column number, so constraints,
 * indexes, views, generated columns and declared trigger columns all follow the new name. Function
 * bodies are text and do not: a trigger that reads NEW.old_name breaks, which is why the model keeps
 * the bodies' column names as written.
 */
import type { Applier } from './apply';

export function renameColumn(a: Applier, relation: string, from: string, to: string): void {
  const follow = (names: string[]) => names.map((n) => (n === from ? to : n));
  const table = a.model.table(relation);
  if (table) {
    const column = table.columns.get(from);
    if (!column) return;
    table.columns.delete(from);
    column.name = to;
    table.columns.set(to, column);
    for (const k of table.constraints) {
      k.columns = follow(k.columns);
      if (k.provesNotNull === from) k.provesNotNull = to;
    }
    for (const i of table.indexes) {
      i.columns = follow(i.columns);
      if (i.expressionColumns) i.expressionColumns = follow(i.expressionColumns);
    }
    for (const c of table.columns.values()) {
      if (c.generated) c.generated.reads = follow(c.generated.reads);
      if (c.backfill) c.backfill.from = follow(c.backfill.from);
    }
    for (const t of a.model.triggersOn(relation)) {
      t.updateColumns = follow(t.updateColumns);
      t.whenColumns = follow(t.whenColumns);
    }
    for (const s of a.model.sequences.values()) if (s.ownedBy?.table === relation && s.ownedBy.column === from) s.ownedBy.column = to;
    a.touch(relation, column);
    a.touch(relation, table);
  } else {
    const view = a.model.views.get(relation);
    if (!view) return;
    view.columns = follow(view.columns);
    a.touch(relation, view);
  }
  for (const view of a.model.views.values()) {
    for (const d of view.dependsOn) if (d.table === relation && d.column === from) d.column = to;
  }
}
