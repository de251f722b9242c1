/**
 * Deep copies of schema models. The model holds plain data only (objects, arrays, Maps, Sets), so a
 * small structural copy is enough, and several times faster than structuredClone for the thousands of
 * small objects a long history leaves.
 */
import type { SchemaModel } from './model';

export function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (value instanceof Map) {
    const out = new Map();
    for (const [k, v] of value) out.set(k, deepCopy(v));
    return out as T;
  }
  if (value instanceof Set) return new Set(value) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = deepCopy((value as Record<string, unknown>)[key]);
  return out as T;
}

const MAPS = ['tables', 'indexTables', 'enums', 'views', 'functions', 'triggers', 'domains', 'sequences', 'compositeTypes', 'unhandled'] as const;

/** Copies every map of `from` into the empty model `to`. */
export function cloneModel(from: SchemaModel, to: SchemaModel): SchemaModel {
  for (const name of MAPS) {
    const target = to[name] as Map<string, unknown>;
    for (const [k, v] of from[name] as Map<string, unknown>) target.set(k, deepCopy(v));
  }
  to.migration = from.migration;
  return to;
}

/** A stable text of an object for comparing two states of it (Maps and Sets as sorted entries). */
export function describeValue(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return { map: [...v.entries()] };
    if (v instanceof Set) return { set: [...v].sort() };
    return v;
  });
}
