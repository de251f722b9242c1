/**
 * PostgreSQL's table-level lock modes and their conflict matrix (the documentation's "Conflicting
 * Lock Modes" table). Reads need ACCESS SHARE and writes ROW EXCLUSIVE, so what a lock blocks follows
 * from whether it conflicts with those two.
 */

export type LockMode =
  | 'AccessShareLock'
  | 'RowShareLock'
  | 'RowExclusiveLock'
  | 'ShareUpdateExclusiveLock'
  | 'ShareLock'
  | 'ShareRowExclusiveLock'
  | 'ExclusiveLock'
  | 'AccessExclusiveLock';

/** Ordered from weakest to strongest. */
export const LOCK_MODES: LockMode[] = [
  'AccessShareLock',
  'RowShareLock',
  'RowExclusiveLock',
  'ShareUpdateExclusiveLock',
  'ShareLock',
  'ShareRowExclusiveLock',
  'ExclusiveLock',
  'AccessExclusiveLock',
];

const CONFLICTS: Record<LockMode, LockMode[]> = {
  AccessShareLock: ['AccessExclusiveLock'],
  RowShareLock: ['ExclusiveLock', 'AccessExclusiveLock'],
  RowExclusiveLock: ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareUpdateExclusiveLock: ['ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ShareRowExclusiveLock: ['RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  ExclusiveLock: ['RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'],
  AccessExclusiveLock: [...LOCK_MODES],
};

export function conflicts(a: LockMode, b: LockMode): boolean {
  return CONFLICTS[a].includes(b);
}

export type Blocked = 'reads' | 'writes';

/** What ordinary queries a lock blocks while it is held (or waited for). */
export function blocks(mode: LockMode): Blocked[] {
  const out: Blocked[] = [];
  if (conflicts(mode, 'AccessShareLock')) out.push('reads');
  if (conflicts(mode, 'RowExclusiveLock')) out.push('writes');
  return out;
}

/** SQL spelling: AccessExclusiveLock → ACCESS EXCLUSIVE. */
export function lockName(mode: LockMode): string {
  // Messages name a lock for most findings: the eight spellings are made once, not per message.
  let name = LOCK_NAMES.get(mode);
  if (name === undefined) {
    name = mode
      .replace(/Lock$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase();
    LOCK_NAMES.set(mode, name);
  }
  return name;
}

const LOCK_NAMES = new Map<LockMode, string>();

/** "blocks reads and writes" / "blocks writes (reads continue)" / "blocks only other schema changes". */
export function blocksPhrase(mode: LockMode): string {
  const b = blocks(mode);
  if (b.length === 2) return 'blocks reads and writes';
  if (b.length === 1 && b[0] === 'writes') return 'blocks writes (reads continue)';
  return 'blocks neither reads nor writes, only other schema changes';
}

/** "ACCESS EXCLUSIVE lock on users, which blocks reads and writes". */
export function describeLock(mode: LockMode, table: string): string {
  return `${lockName(mode)} lock on ${table}, which ${blocksPhrase(mode)}`;
}
