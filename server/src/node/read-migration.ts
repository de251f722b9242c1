/** Reading one migration file from disk for linting: bytes, a size limit, and UTF-8 decoding. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { decodeSource } from '../engine/index';

/** Larger files are reported instead of linted: no hand-written migration is this big. */
export const MAX_MIGRATION_BYTES = 20 * 1024 * 1024;

export type MigrationText =
  | { kind: 'text'; text: string; invalidUtf8At?: number }
  | { kind: 'too-large'; bytes: number };

/** Reads and decodes a migration; throws the file system's error when the file cannot be read. */
export function readMigration(path: string, maxBytes = MAX_MIGRATION_BYTES): MigrationText {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { kind: 'too-large', bytes: size };
    const bytes = new Uint8Array(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, bytes, read, size - read, null);
      if (n === 0) break; // the file shrank while reading: lint what is there
      read += n;
    }
    return { kind: 'text', ...decodeSource(read === size ? bytes : bytes.subarray(0, read)) };
  } finally {
    closeSync(fd);
  }
}

/** "21.3 MB", "512 KB": sizes as people read them in a message. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
