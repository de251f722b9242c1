/**
 * Whether `ALTER COLUMN … TYPE` rewrites the table. PostgreSQL skips the rewrite only when the new type
 * is binary-compatible with the old one and every stored value already fits: widening varchar,
 * varchar ↔ text, widening numeric precision at the same scale, dropping a length or precision limit,
 * and (PostgreSQL 12+) timestamp ↔ timestamptz when the session time zone is UTC. Everything else,
 * including any USING expression, rewrites the table and rebuilds all of its indexes.
 */

export interface ParsedType {
  base: string;
  mods: number[];
  array: boolean;
}

export type TypeChangeVerdict =
  /** Catalog-only change: no rewrite, no scan. */
  | { kind: 'none' }
  /** timestamp ↔ timestamptz on 12+: no rewrite only when the session time zone is UTC. */
  | { kind: 'timezone' }
  | { kind: 'rewrite' }
  /** The old type is not known: a hint says which old types would avoid the rewrite. */
  | { kind: 'unknown'; hint: string };

/** Parses a model type label (`varchar(20)`, `numeric(10,2)`, `text[]`, `bigint`). */
export function parseTypeLabel(label: string): ParsedType {
  const match = /^(.*?)(?:\(([\d,\s-]+)\))?(\[\])?$/.exec(label.trim());
  const mods = match?.[2] ? match[2].split(',').map((m) => Number(m.trim())) : [];
  return { base: (match?.[1] ?? label).trim(), mods, array: Boolean(match?.[3]) };
}

const STRINGS = new Set(['varchar', 'text']);
const DATETIMES = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);
/** Highest fractional-second precision: an explicit (6) or more equals no limit. */
const MAX_SECONDS_PRECISION = 6;

export function classifyTypeChange(oldLabel: string | undefined, newLabel: string, atLeast12: boolean): TypeChangeVerdict {
  const to = parseTypeLabel(newLabel);
  if (oldLabel === undefined) return { kind: 'unknown', hint: unknownOldTypeHint(to) };
  const from = parseTypeLabel(oldLabel);
  if (from.array !== to.array) return { kind: 'rewrite' };
  if (from.base === to.base && sameMods(from.mods, to.mods)) return { kind: 'none' };
  if (STRINGS.has(from.base) && STRINGS.has(to.base)) return stringChange(from, to);
  if (from.base === 'numeric' && to.base === 'numeric') return numericChange(from, to);
  if (DATETIMES.has(from.base) && DATETIMES.has(to.base)) return datetimeChange(from, to, atLeast12);
  if (from.base === 'cidr' && to.base === 'inet') return { kind: 'none' };
  return { kind: 'rewrite' };
}

function sameMods(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((m, i) => m === b[i]);
}

function stringChange(from: ParsedType, to: ParsedType): TypeChangeVerdict {
  const newLimit = to.base === 'varchar' ? to.mods[0] : undefined;
  if (newLimit === undefined) return { kind: 'none' };
  // Adding or tightening a length limit makes PostgreSQL check and rewrite every row.
  const oldLimit = from.base === 'varchar' ? from.mods[0] : undefined;
  return oldLimit !== undefined && oldLimit <= newLimit ? { kind: 'none' } : { kind: 'rewrite' };
}

function numericChange(from: ParsedType, to: ParsedType): TypeChangeVerdict {
  if (to.mods.length === 0) return { kind: 'none' };
  if (from.mods.length === 0) return { kind: 'rewrite' };
  const [fromPrecision, fromScale = 0] = from.mods;
  const [toPrecision, toScale = 0] = to.mods;
  return toScale === fromScale && toPrecision >= fromPrecision ? { kind: 'none' } : { kind: 'rewrite' };
}

function datetimeChange(from: ParsedType, to: ParsedType, atLeast12: boolean): TypeChangeVerdict {
  const precisionKept = to.mods.length === 0 || to.mods[0] >= MAX_SECONDS_PRECISION || (from.mods.length > 0 && to.mods[0] >= from.mods[0]);
  if (!precisionKept) return { kind: 'rewrite' };
  if (from.base === to.base) return { kind: 'none' };
  const zoneSwap = new Set([from.base, to.base]);
  if (zoneSwap.has('timestamp') && zoneSwap.has('timestamptz')) return atLeast12 ? { kind: 'timezone' } : { kind: 'rewrite' };
  return { kind: 'rewrite' };
}

function unknownOldTypeHint(to: ParsedType): string {
  if (to.base === 'text' || (to.base === 'varchar' && to.mods.length === 0)) return 'it is metadata-only if the column was varchar or text';
  if (to.base === 'varchar') return `it is metadata-only if the column was varchar(n) with n ≤ ${to.mods[0]}`;
  if (to.base === 'numeric') return 'it is metadata-only if the column was numeric with the same scale and no more precision';
  if (to.base === 'timestamptz' || to.base === 'timestamp') return 'it is metadata-only if only the time zone flag changes, on PostgreSQL 12+ with the session time zone UTC';
  return 'every change except a few binary-compatible ones (widening varchar or numeric, varchar ↔ text) rewrites';
}
