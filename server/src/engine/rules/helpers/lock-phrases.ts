/** Lock descriptions with their article, for messages whose lock mode depends on the server version. */
import { describeLock, type LockMode } from '../../locks/modes';

/** "an ACCESS EXCLUSIVE lock on p, which blocks reads and writes" / "a SHARE UPDATE EXCLUSIVE lock on p, …". */
export function aLock(mode: LockMode, table: string): string {
  const text = describeLock(mode, table);
  return /^[AEIOU]/.test(text) ? `an ${text}` : `a ${text}`;
}
