/**
 * Data directories for the embedded engine: the empty one every instance boots from (prebuilt at
 * build time, because initdb in WASM takes seconds) and the cache of replayed histories.
 *
 * Cache keys chain hashes: key 0 is the hash of the empty data directory (so a new PGlite version
 * never reuses an old cache), key i the hash of key i-1 and the text of earlier migration i. A
 * history that grew by one migration therefore boots from the cached state of the one before it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { writeAtomically } from '../../node/write-atomically';
import type { HistoryProblem } from '../report';

/** The prebuilt empty data directory beside the bundled host (dist/pglite-datadir.tgz). */
export const BUNDLED_DATADIR = join(__dirname, 'pglite-datadir.tgz');

const KEEP_CACHED = 20;

export function pgliteVersion(): string {
  try {
    const require = createRequire(join(__dirname, 'host.js'));
    const main = require.resolve('@electric-sql/pglite');
    const pkg = JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The empty data directory's archive: the bundled one, or (running from source) one made once per
 * PGlite version and kept in the OS temp folder, shared by every cache folder.
 */
export async function emptyDataDir(): Promise<Uint8Array> {
  if (existsSync(BUNDLED_DATADIR)) return readFileSync(BUNDLED_DATADIR);
  const cached = join(tmpdir(), 'safe-migrations-pglite', `empty-${pgliteVersion()}.tgz`);
  if (existsSync(cached)) return readFileSync(cached);
  const pg = await PGlite.create();
  try {
    const bytes = new Uint8Array(await (await pg.dumpDataDir('gzip')).arrayBuffer());
    writeAtomically(cached, bytes);
    return bytes;
  } finally {
    await pg.close();
  }
}

export function chainKeys(base: Uint8Array, fileHashes: string[]): string[] {
  const keys = [createHash('sha256').update(base).digest('hex')];
  for (const hash of fileHashes) keys.push(createHash('sha256').update(`${keys[keys.length - 1]}\n${hash}`).digest('hex'));
  return keys;
}

export function cachedPath(cacheDir: string, key: string): string {
  return join(cacheDir, `history-${key}.tgz`);
}

/** The longest prefix of the history with a cached data directory: its index into `keys`, or 0. */
export function longestCachedPrefix(cacheDir: string, keys: string[]): number {
  for (let i = keys.length - 1; i > 0; i--) if (existsSync(cachedPath(cacheDir, keys[i]))) return i;
  return 0;
}

/** Saves a replayed state, with the history statements that failed to replay into it. */
export function saveCached(cacheDir: string, key: string, bytes: Uint8Array, failed: HistoryProblem[]): void {
  writeAtomically(failuresPath(cacheDir, key), new TextEncoder().encode(JSON.stringify(failed)));
  writeAtomically(cachedPath(cacheDir, key), bytes);
  evictOld(cacheDir);
}

/** The history statements that failed when a cached state was replayed. */
export function cachedFailures(cacheDir: string, key: string): HistoryProblem[] {
  try {
    return JSON.parse(readFileSync(failuresPath(cacheDir, key), 'utf8')) as HistoryProblem[];
  } catch {
    return [];
  }
}

function failuresPath(cacheDir: string, key: string): string {
  return join(cacheDir, `history-${key}.failed.json`);
}

/** Write to a temporary name and rename: a concurrent reader never sees half a file. */
function evictOld(cacheDir: string): void {
  try {
    const entries = readdirSync(cacheDir)
      .filter((n) => n.startsWith('history-') && n.endsWith('.tgz'))
      .map((n) => ({ path: join(cacheDir, n), mtime: statSync(join(cacheDir, n)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of entries.slice(KEEP_CACHED)) {
      unlinkSync(old.path);
      rmSync(old.path.replace(/\.tgz$/, '.failed.json'), { force: true });
    }
  } catch {
    // Another process may be evicting at the same time; a missed eviction only costs disk space.
  }
}
