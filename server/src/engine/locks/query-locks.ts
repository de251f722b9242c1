/**
 * Locks of queries (SELECT, INSERT, UPDATE, DELETE, MERGE, and the queries inside CREATE TABLE AS,
 * CREATE VIEW and COPY): ROW EXCLUSIVE on the tables written, including writes in WITH; ROW SHARE on
 * the tables whose rows are locked with FOR UPDATE/SHARE; ACCESS SHARE on every other table read.
 * Names that refer to a WITH query are not tables.
 */
import type { Node, RangeVar } from '@pgsql/types';
import { walk } from '../dialects/postgres/ast';
import type { LockMode } from './modes';

export type AddLock = (relation: RangeVar | undefined, mode: LockMode) => void;

export function queryLocks(node: unknown, add: AddLock): void {
  if (!node) return;
  const cteNames = new Set<string>();
  walk(node, (kind, payload) => {
    if (kind === 'CommonTableExpr' && typeof payload.ctename === 'string') cteNames.add(payload.ctename);
  });
  const isCte = (rv: RangeVar): boolean => !rv.schemaname && cteNames.has(rv.relname ?? '');
  const visit = (kind: string, payload: Record<string, unknown>): void => {
    if (kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt' || kind === 'MergeStmt') {
      add(payload.relation as RangeVar | undefined, 'RowExclusiveLock');
    } else if (kind === 'RangeVar' && !isCte(payload as RangeVar)) {
      add(payload as RangeVar, 'AccessShareLock');
    } else if (kind === 'SelectStmt' && Array.isArray(payload.lockingClause)) {
      rowShareLocks(payload, isCte, add);
    }
  };
  // The walk visits nested nodes only; the top-level statement needs a visit of its own.
  const top = Object.keys(node as object)[0];
  visit(top, (node as Record<string, Record<string, unknown>>)[top]);
  walk(node, visit);
}

function rowShareLocks(select: Record<string, unknown>, isCte: (rv: RangeVar) => boolean, add: AddLock): void {
  for (const clause of select.lockingClause as Node[]) {
    const named = ((clause as { LockingClause?: { lockedRels?: Node[] } }).LockingClause?.lockedRels ?? []).map((r) => (r as { RangeVar?: RangeVar }).RangeVar);
    // FOR UPDATE without OF locks the rows of every table in this SELECT's FROM.
    const targets = named.length ? named : ((select.fromClause as Node[] | undefined) ?? []).map((r) => (r as { RangeVar?: RangeVar }).RangeVar);
    for (const rv of targets) if (rv && !isCte(rv)) add(rv, 'RowShareLock');
  }
}
