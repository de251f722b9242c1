import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteModes {
  /** Permissions of the file, e.g. 0o600 for a file only its owner may read. */
  file?: number;
  /** Permissions of the folder when it has to be made. */
  folder?: number;
}

/**
 * Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that another
 * process reading the path (a concurrent run sharing a cache) sees the old file or the whole new one.
 */
export function writeAtomically(path: string, bytes: Uint8Array, modes: AtomicWriteModes = {}): void {
  mkdirSync(dirname(path), { recursive: true, mode: modes.folder });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes, { mode: modes.file });
  renameSync(temporary, path);
}
