/**
 * Comparing a migration's effects on the schema before and after an edit: which objects now differ
 * from the run before the edit, and which names a later migration must mention to be affected.
 */
import { describeValue } from '../schema/clone';
import type { SchemaModel } from '../schema/model';

export interface Effect {
  state: string;
  /** Keys of objects whose rules' verdicts may depend on this one (see relatedKeys). */
  related: string[];
}

export function symmetricDifference(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const x of a) if (!b.has(x)) out.add(x);
  for (const x of b) if (!a.has(x)) out.add(x);
  return out;
}

const unqualified = (key: string) => key.slice(key.indexOf('.') + 1);

/**
 * Updates the set of objects whose state differs from the run before the edit, given one migration's
 * effects before and after: an object it left as it was before is back in step.
 */
export function mergeDivergence(diverged: Map<string, Effect>, before: Map<string, Effect>, after: Map<string, Effect>): void {
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key);
    const a = after.get(key);
    if (b && a && b.state === a.state) diverged.delete(key);
    else diverged.set(key, { state: a?.state ?? '', related: [...new Set([...(b?.related ?? []), ...(a?.related ?? [])])] });
  }
}

export function affectedNames(diverged: Map<string, Effect>): Set<string> {
  const names = new Set<string>();
  for (const [key, effect] of diverged) {
    names.add(unqualified(key));
    for (const r of effect.related) names.add(unqualified(r));
  }
  return names;
}

/** The state of every object known under a key, as comparable text. */
export function describeObject(model: SchemaModel, key: string): string {
  return describeValue([
    model.tables.get(key),
    model.triggers.get(key),
    model.views.get(key),
    model.functions.get(key),
    model.enums.get(key),
    model.domains.get(key),
    model.sequences.get(key),
    model.compositeTypes.get(key),
    model.indexTables.get(key),
  ]);
}
