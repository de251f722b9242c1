/**
 * Lists the migration files of a folder in the order a migration tool would run them.
 *
 * Tools order by the version at the start of the file or folder name (Flyway `V2__x.sql`, golang-migrate
 * `20221021082433_x.up.sql`, diesel `2019-01-01-000000_x/up.sql`, plain `0007-x.sql`), comparing the
 * numbers, so `V2__` runs before `V10__`. Down (undo) migrations are kept apart: they may run, so they
 * are linted, but they are not part of the forward order a history is replayed in.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface MigrationFiles {
  /** Forward migrations in run order, as paths relative to the folder (with `/`). */
  forward: string[];
  /** Down and undo migrations, in the order of the version they undo. */
  down: string[];
}

/** Folders that never hold a project's migrations but can be huge. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn']);

export function listMigrationFiles(folder: string): MigrationFiles {
  const all: string[] = [];
  collect(folder, '', all);
  const sorted = all.map((path) => ({ path, key: pathKey(path) })).sort((a, b) => compareKeys(a.key, b.key));
  const forward: string[] = [];
  const down: string[] = [];
  for (const { path } of sorted) (isDownMigration(path) ? down : forward).push(path);
  return { forward, down };
}

function collect(root: string, relative: string, out: string[]): void {
  const entries = readdirSync(relative ? join(root, relative) : root, { withFileTypes: true });
  for (const entry of entries) {
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) collect(root, path, out);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && /\.sql$/i.test(entry.name)) {
      out.push(path);
    }
  }
}

/** `down.sql`, `x.down.sql`, `x_down.sql`, `x.postgres.down.sql` and Flyway undo files `U3__x.sql`. */
export function isDownMigration(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /(^|[._-])down\.sql$/i.test(name) || /^U\d/.test(name);
}

/**
 * The version at the start of a file or folder name, as digit groups without leading zeros, e.g.
 * `V1_2__x` → ["1", "2"], `2019-01-01-000000_x` → ["2019", "1", "1", "0"]. Kept as strings: timestamps
 * of 20 digits do not fit a double.
 */
export function leadingVersion(name: string): string[] | undefined {
  // An optional one-letter prefix (Flyway V/U, v1.14 folders), then digit groups joined by . _ or -;
  // a separator must be followed by a digit to belong to the version (`V1__x`, `V1_2__x`).
  const match = /^[VvUu]?(\d+(?:[._-]\d+)*)/.exec(name);
  if (!match) return undefined;
  return match[1].split(/[._-]/).map((group) => group.replace(/^0+(?=\d)/, ''));
}

interface SegmentKey {
  version: string[] | undefined;
  name: string;
}

function pathKey(path: string): SegmentKey[] {
  return path.split('/').map((name) => ({ version: leadingVersion(name), name }));
}

function compareKeys(a: SegmentKey[], b: SegmentKey[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareSegments(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareSegments(a: SegmentKey, b: SegmentKey): number {
  // Versioned names first: Flyway runs repeatable (R__) migrations after the versioned ones.
  if (a.version && !b.version) return -1;
  if (!a.version && b.version) return 1;
  if (a.version && b.version) {
    const order = compareVersions(a.version, b.version);
    if (order !== 0) return order;
  }
  return naturalCompare(a.name, b.name);
}

export function compareVersions(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareDigits(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares names with their digit runs as numbers ("x2" before "x10"); ties broken by code units. */
function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const bothDigits = /^\d/.test(x) && /^\d/.test(y);
    if (bothDigits) {
      const order = compareDigits(x.replace(/^0+(?=\d)/, ''), y.replace(/^0+(?=\d)/, ''));
      if (order !== 0) return order;
    }
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length || (a < b ? -1 : a > b ? 1 : 0);
}
