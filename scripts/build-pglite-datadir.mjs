#!/usr/bin/env node
// Builds the empty PGlite data directory the dry run boots from (initdb in WASM takes seconds; loading
// a prebuilt directory a fraction of that). Kept in node_modules/.cache keyed by the PGlite version,
// so that each `npm run build` (which empties dist/) copies it instead of running initdb again.
//   node scripts/build-pglite-datadir.mjs [out.tgz]   writes it (and prints its path)
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function pgliteVersion() {
  const main = require.resolve('@electric-sql/pglite');
  return JSON.parse(readFileSync(join(dirname(main), '..', 'package.json'), 'utf8')).version;
}

/** Path of the empty data directory archive for the installed PGlite, made once. */
export async function ensurePgliteDataDir() {
  const path = join(root, 'node_modules', '.cache', 'safe-migrations', `pglite-datadir-${pgliteVersion()}.tgz`);
  if (existsSync(path)) return path;
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create();
  const bytes = new Uint8Array(await (await pg.dumpDataDir('gzip')).arrayBuffer());
  await pg.close();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
  return path;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = await ensurePgliteDataDir();
  const out = process.argv[2];
  if (out) writeFileSync(out, readFileSync(path));
  console.log(out ?? path);
}
