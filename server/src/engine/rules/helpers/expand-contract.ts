/**
 * Facts about the expand/contract recipe that the cross-migration rules share: which triggers keep a
 * replacement in sync with the original (dual writes), which column replaces which, and whether the
 * expand steps (add, backfill, sync) happened in earlier migrations.
 */
import type { ColumnModel, FunctionModel, SchemaModel, TableModel, TriggerModel } from '../../schema/model';

export interface SyncTrigger {
  trigger: TriggerModel;
  fn: FunctionModel;
  /** Columns of the row it assigns (`NEW.target := …`) in a BEFORE trigger. */
  targets: string[];
  /** Columns of the row it reads. */
  sources: string[];
  /** Each column it fills and the column it fills it from. */
  pairs: { target: string; source: string }[];
  /** Other tables its statements write (a table-level dual write). */
  tables: { table: string; columns: string[] }[];
}

/**
 * Triggers on the table whose function copies a column into another: a BEFORE trigger assigning a
 * column from exactly one other column (`NEW.full_name := NEW.fullname`, also through a cast or a
 * function), an UPDATE of the same table doing so, or writes into another table that mostly copy the
 * row's columns of the same names. Triggers that stamp a value (`NEW.updated_at := now()`), derive a
 * column from several (a search vector), keep counters or log whole rows copy nothing.
 */
export function syncTriggers(model: SchemaModel, tableKey: string): SyncTrigger[] {
  const out: SyncTrigger[] = [];
  for (const trigger of model.triggersOn(tableKey)) {
    const fn = model.functions.get(trigger.function);
    const body = fn?.body;
    if (!fn || !body || !trigger.enabled) continue;
    const copies = trigger.timing === 'before' ? (body.assignments ?? []).filter((a) => a.sources.length === 1 && a.sources[0] !== a.target) : [];
    const pairs = copies.map((a) => ({ target: a.target, source: a.sources[0] }));
    const tables: SyncTrigger['tables'] = [];
    for (const w of body.writesTables) {
      const copied = (w.copies ?? []).filter((c) => (w.table === tableKey ? c.column !== c.source : c.column === c.source));
      if (w.table === tableKey) pairs.push(...copied.map((c) => ({ target: c.column, source: c.source })));
      else if (copied.length > 0 && copied.length * 2 >= w.columns.length) tables.push({ table: w.table, columns: copied.map((c) => c.column) });
    }
    if (pairs.length === 0 && tables.length === 0) continue;
    out.push({ trigger, fn, targets: [...new Set(pairs.map((p) => p.target))], sources: [...new Set(pairs.map((p) => p.source))], pairs, tables });
  }
  return out;
}

/** The sync trigger that fills `column` of the table (in the row, or by an UPDATE of the table). */
export function triggerFilling(model: SchemaModel, tableKey: string, column: string): SyncTrigger | undefined {
  return syncTriggers(model, tableKey).find((s) => s.targets.includes(column));
}

export interface Replacement {
  column: ColumnModel;
  /** How the model knows it replaces the original. */
  via: 'backfill' | 'trigger';
}

/** Columns of the table filled from `original` by a backfill or a sync trigger: its replacements. */
export function replacementsOf(model: SchemaModel, table: TableModel, original: string): Replacement[] {
  const out: Replacement[] = [];
  for (const column of table.columns.values()) {
    if (column.name === original) continue;
    if (column.backfill?.from.includes(original)) out.push({ column, via: 'backfill' });
    else if (syncTriggers(model, table.key).some((s) => s.pairs.some((p) => p.target === column.name && p.source === original))) out.push({ column, via: 'trigger' });
  }
  return out;
}

export interface ExpandSteps {
  /** The replacement existed before this migration. */
  addedEarlier: boolean;
  /** A migration before this one backfilled it. */
  backfilledEarlier: boolean;
  /** A trigger created before this migration keeps it in sync. */
  syncedEarlier: boolean;
}

/** Which expand steps for `replacement` happened before the migration being linted. */
export function expandSteps(model: SchemaModel, tableKey: string, replacement: ColumnModel): ExpandSteps {
  const sync = triggerFilling(model, tableKey, replacement.name);
  return {
    addedEarlier: replacement.origin !== 'current-file',
    backfilledEarlier: replacement.backfill?.origin === 'history',
    syncedEarlier: (sync !== undefined && sync.trigger.origin === 'history') || computedByEarlierTrigger(model, tableKey, replacement.name),
  };
}

/**
 * A BEFORE trigger from an earlier migration that computes the column, from any number of columns
 * (`NEW.full_name := NEW.first || ' ' || NEW.last`). Not a sync trigger in general (a search vector is
 * computed the same way), but for a replacement already known to be filled from the original, it is
 * what keeps the replacement current.
 */
function computedByEarlierTrigger(model: SchemaModel, tableKey: string, column: string): boolean {
  return columnsComputedByEarlierTriggers(model, tableKey).includes(column);
}

/** Columns that BEFORE triggers from earlier migrations compute (all of them, or only `only`'s). */
export function columnsComputedByEarlierTriggers(model: SchemaModel, tableKey: string, only?: string): string[] {
  const out: string[] = [];
  for (const trigger of model.triggersOn(tableKey)) {
    if (!trigger.enabled || trigger.timing !== 'before' || trigger.origin !== 'history' || (only !== undefined && trigger.name !== only)) continue;
    for (const a of model.functions.get(trigger.function)?.body?.assignments ?? []) if (a.sources.length > 0) out.push(a.target);
  }
  return out;
}

/** "backfilled it (UPDATE … SET full_name = …) and installed a trigger that keeps it in sync". */
export function missingStepsPhrase(steps: ExpandSteps, replacement: string, original: string): string | undefined {
  const missing: string[] = [];
  if (!steps.addedEarlier) missing.push(`added ${replacement}`);
  if (!steps.backfilledEarlier) missing.push(`backfilled ${replacement} from ${original} (UPDATE … SET ${replacement} = …)`);
  if (!steps.syncedEarlier) missing.push(`installed a trigger that keeps ${replacement} in sync with ${original}`);
  if (missing.length === 0) return undefined;
  return missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} or ${missing[missing.length - 1]}`;
}
