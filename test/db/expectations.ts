/**
 * The lock and rewrite facts DRYRUN.md records, as expectations for the fixture migrations: what each
 * statement must lock (strongest mode per pre-existing table), what that blocks, and what it rewrites.
 * `blocks` is written out here rather than computed, so that the tracer's use of the conflict matrix
 * is checked too. The same table holds on PostgreSQL 15 and on PGlite (PostgreSQL 18).
 */
import type { Blocked } from '../../server/src/engine/locks/modes';

export interface ExpectedLock {
  mode: string;
  blocks: Blocked[];
}

export interface Expected {
  /** Every pre-existing table the (first) statement locks, with its mode. No other table may be locked. */
  locks: Record<string, ExpectedLock>;
  rewrites: string[];
  /** Tables whose rows must have been read. */
  scanned?: string[];
  /** Cannot run in a transaction: traced on a PGlite copy (locks from the static table). */
  outside?: boolean;
  /** Rows changed, as PostgreSQL reports them. */
  rows?: number;
  verdict?: string;
}

const AEL: ExpectedLock = { mode: 'AccessExclusiveLock', blocks: ['reads', 'writes'] };

export const EXPECTED: Record<string, Expected> = {
  'add-column.sql': { locks: { 'public.users': AEL }, rewrites: [], verdict: 'blocks reads and writes on users' },
  'add-column-volatile-default.sql': {
    locks: { 'public.users': AEL },
    rewrites: ['public.users'],
    verdict: 'rewrites users while blocking reads and writes',
  },
  'alter-type.sql': { locks: { 'public.users': AEL }, rewrites: ['public.users'], scanned: ['public.users'], verdict: 'rewrites users while blocking reads and writes' },
  'create-index.sql': {
    locks: { 'public.users': { mode: 'ShareLock', blocks: ['writes'] } },
    rewrites: [],
    scanned: ['public.users'],
    verdict: 'blocks writes on users, scans users',
  },
  'add-foreign-key.sql': {
    locks: {
      'public.orders': { mode: 'ShareRowExclusiveLock', blocks: ['writes'] },
      'public.users': { mode: 'ShareRowExclusiveLock', blocks: ['writes'] },
    },
    rewrites: [],
    scanned: ['public.orders'],
  },
  'validate-constraint.sql': {
    locks: {
      'public.orders': { mode: 'ShareUpdateExclusiveLock', blocks: [] },
      'public.users': { mode: 'RowShareLock', blocks: [] },
    },
    rewrites: [],
    scanned: ['public.orders'],
  },
  'set-not-null.sql': { locks: { 'public.users': AEL }, rewrites: [], scanned: ['public.users'] },
  'add-check-not-valid.sql': { locks: { 'public.users': AEL }, rewrites: [] },
  'rename-column.sql': { locks: { 'public.users': AEL }, rewrites: [] },
  'create-table.sql': { locks: {}, rewrites: [], verdict: 'blocks neither reads nor writes' },
  'backfill.sql': { locks: { 'public.users': { mode: 'RowExclusiveLock', blocks: [] } }, rewrites: [], rows: 50 },
  'drop-column.sql': { locks: { 'public.orders': AEL }, rewrites: [] },
  'truncate.sql': { locks: { 'public.orders': AEL }, rewrites: [] },
  'create-index-concurrently.sql': {
    locks: { 'public.orders': { mode: 'ShareUpdateExclusiveLock', blocks: [] } },
    rewrites: [],
    outside: true,
  },
  'vacuum-full.sql': { locks: { 'public.orders': AEL }, rewrites: ['public.orders'], outside: true },
  'expand-email.sql': { locks: { 'public.users': AEL }, rewrites: [], verdict: 'blocks reads and writes on users, scans users' },
};
