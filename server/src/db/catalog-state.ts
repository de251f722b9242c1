/**
 * What the tracer knows about the database between statements: the relations (with their data
 * files), the locks held so far and the scan counters. Each observation after a statement is compared
 * with it to find what that statement did:
 * - new locks: the set difference on (relation, mode), reduced to the strongest new mode per relation;
 * - rewrites: a table whose relfilenode (or whose toast table's) changed;
 * - index rebuilds: an index whose relfilenode changed, or that was dropped and recreated under the
 *   same name (ALTER COLUMN TYPE rebuilds indexes with new OIDs);
 * - scans: the growth of pg_stat_xact_user_tables counters of the locked tables.
 */
import { blocks, LOCK_MODES, type LockMode } from '../engine/locks/modes';
import type { LockReport, RelationKind } from './report';
import type { CatalogRelation, Observation, Snapshot, TableStats } from './trace-sql';

export interface StatementEffects {
  locks: LockReport[];
  rewrites: string[];
  indexRebuilds: string[];
  scanned: string[];
  rowsScanned: number;
  rowsTouched: number;
}

const KINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'index',
  S: 'sequence',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};

export function relationKind(relkind: string): RelationKind {
  return KINDS[relkind] ?? 'other';
}

export function lockStrength(mode: string): number {
  return LOCK_MODES.indexOf(mode as LockMode);
}

export function lockReport(relation: string, mode: string, kind: RelationKind, createdHere: boolean, source: LockReport['source']): LockReport {
  const known = lockStrength(mode) >= 0;
  return { relation, mode, blocks: known ? blocks(mode as LockMode) : [], kind, createdHere, source };
}

export interface ExpectedLock {
  relation: string;
  mode: string;
}

const isToastSchema = (schema: string): boolean => schema === 'pg_toast' || schema.startsWith('pg_toast_temp_');

export const labelOf = (rel: { schema: string; name: string }): string => `${rel.schema}.${rel.name}`;

export class CatalogState {
  private readonly initial = new Set<number>();
  private readonly rels = new Map<number, CatalogRelation>();
  private held = new Set<string>();
  private readonly stats = new Map<number, TableStats>();

  constructor(snapshot: Snapshot) {
    for (const rel of snapshot.relations) {
      this.initial.add(rel.oid);
      this.rels.set(rel.oid, rel);
    }
    for (const s of snapshot.stats) this.stats.set(s.oid, s);
  }

  /** The relation did not exist when the dry run began. */
  createdHere(oid: number): boolean {
    return !this.initial.has(oid);
  }

  apply(obs: Observation, statementKind: string, expected: ExpectedLock[] = []): StatementEffects {
    const current = new Map(obs.relations.map((r) => [r.oid, r]));
    const effects: StatementEffects = {
      locks: this.withHeldBefore(this.newLocks(obs, current), obs, current, expected),
      rewrites: statementKind === 'TruncateStmt' ? [] : this.rewrites(current),
      indexRebuilds: this.indexRebuilds(current),
      scanned: [],
      rowsScanned: 0,
      rowsTouched: 0,
    };
    for (const s of obs.stats) {
      const before = this.stats.get(s.oid) ?? { oid: s.oid, read: 0, touched: 0 };
      const read = Math.max(0, s.read - before.read);
      const touched = Math.max(0, s.touched - before.touched);
      effects.rowsScanned += read;
      effects.rowsTouched += touched;
      const rel = current.get(s.oid) ?? this.rels.get(s.oid);
      if (read > 0 && rel) effects.scanned.push(labelOf(rel));
      this.stats.set(s.oid, s);
    }
    this.remember(obs, current);
    return effects;
  }

  private newLocks(obs: Observation, current: Map<number, CatalogRelation>): LockReport[] {
    const strongest = new Map<number, string>();
    for (const lock of obs.locks) {
      if (this.held.has(`${lock.oid}:${lock.mode}`)) continue;
      const prev = strongest.get(lock.oid);
      if (prev === undefined || lockStrength(lock.mode) > lockStrength(prev)) strongest.set(lock.oid, lock.mode);
    }
    const out: LockReport[] = [];
    for (const [oid, mode] of strongest) {
      // Locks on relations with no name (the transient heap of a rewrite, already dropped) are internal.
      const rel = current.get(oid) ?? this.rels.get(oid);
      if (!rel || rel.kind === 't' || isToastSchema(rel.schema)) continue;
      out.push(lockReport(labelOf(rel), mode, relationKind(rel.kind), this.createdHere(oid), 'pg_locks'));
    }
    return out.sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || a.relation.localeCompare(b.relation));
  }

  /**
   * A lock the statement needs but that an earlier statement already took does not appear as new in
   * pg_locks. When the documented mode for this statement is held (at that mode or stronger), report
   * it, marked `heldBefore`, rather than show only the weaker modes that happened to be new.
   */
  private withHeldBefore(locks: LockReport[], obs: Observation, current: Map<number, CatalogRelation>, expected: ExpectedLock[]): LockReport[] {
    if (!expected.length) return locks;
    const heldByLabel = new Map<string, { oid: number; mode: string }>();
    for (const lock of obs.locks) {
      const rel = current.get(lock.oid) ?? this.rels.get(lock.oid);
      if (!rel) continue;
      const prev = heldByLabel.get(labelOf(rel));
      if (!prev || lockStrength(lock.mode) > lockStrength(prev.mode)) heldByLabel.set(labelOf(rel), { oid: lock.oid, mode: lock.mode });
    }
    const out = [...locks];
    for (const want of expected) {
      const held = heldByLabel.get(want.relation);
      if (!held || lockStrength(held.mode) < lockStrength(want.mode)) continue;
      const i = out.findIndex((l) => l.relation === want.relation);
      if (i >= 0 && lockStrength(out[i].mode) >= lockStrength(want.mode)) continue;
      const rel = current.get(held.oid) ?? this.rels.get(held.oid)!;
      const report = { ...lockReport(want.relation, want.mode, relationKind(rel.kind), this.createdHere(held.oid), 'pg_locks'), heldBefore: true };
      if (i >= 0) out[i] = report;
      else out.push(report);
    }
    return out.sort((a, b) => lockStrength(b.mode) - lockStrength(a.mode) || a.relation.localeCompare(b.relation));
  }

  private rewrites(current: Map<number, CatalogRelation>): string[] {
    const out: string[] = [];
    for (const rel of current.values()) {
      if (rel.kind !== 'r' && rel.kind !== 'm') continue;
      const before = this.rels.get(rel.oid);
      if (!before) continue;
      const fileChanged = before.filenode !== rel.filenode;
      const toastChanged = before.toast !== null && rel.toast !== null && before.toast !== rel.toast;
      if (fileChanged || toastChanged) out.push(labelOf(rel));
    }
    return out.sort();
  }

  private indexRebuilds(current: Map<number, CatalogRelation>): string[] {
    const out = new Set<string>();
    const tables = observedTables(current);
    // Indexes of the observed tables that no longer exist: candidates for "recreated under the same name".
    const dropped = new Map<string, number>();
    for (const before of this.rels.values()) {
      if (before.table !== null && tables.has(before.table) && !current.has(before.oid)) dropped.set(`${before.table}:${labelOf(before)}`, before.oid);
    }
    for (const rel of current.values()) {
      if (rel.table === null || rel.kind !== 'i') continue;
      const before = this.rels.get(rel.oid);
      if (before ? before.filenode !== rel.filenode : dropped.has(`${rel.table}:${labelOf(rel)}`)) out.add(labelOf(rel));
    }
    return [...out].sort();
  }

  private remember(obs: Observation, current: Map<number, CatalogRelation>): void {
    const tables = observedTables(current);
    for (const [oid, before] of this.rels) {
      if (before.table !== null && tables.has(before.table) && !current.has(oid)) this.rels.delete(oid);
    }
    for (const rel of current.values()) this.rels.set(rel.oid, rel);
    this.held = new Set(obs.locks.map((l) => `${l.oid}:${l.mode}`));
  }
}

/** Tables whose indexes the observation lists in full: the locked ones (tables appear only when locked). */
function observedTables(current: Map<number, CatalogRelation>): Set<number> {
  const tables = new Set<number>();
  for (const rel of current.values()) if (rel.kind === 'r' || rel.kind === 'p' || rel.kind === 'm') tables.add(rel.oid);
  return tables;
}
