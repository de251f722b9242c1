#!/usr/bin/env node
// Bundles the extension client, the language server and the CLI with esbuild into dist/, and copies
// the files the bundles load at run time (libpg-query's WASM, the rule docs).
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildCli } from './build-cli.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' }),
  buildCli(dist, common),
  // The dry run's embedded PostgreSQL lives in its own process (its memory is never given back).
  // PGlite's ES module finds its files from import.meta.url, which a CommonJS bundle does not have.
  build({
    ...common,
    entryPoints: ['server/src/db/pglite/host.ts'],
    outfile: 'dist/pglite-host.js',
    define: { 'import.meta.url': '__pgliteHostUrl' },
    banner: { js: 'var __pgliteHostUrl = require("url").pathToFileURL(__filename).href;' },
  }),
]);

// PGlite loads its WASM and file-system image beside the bundle, the contrib extensions from
// dist/pglite-contrib, and boots from a prebuilt empty data directory.
const pglite = dirname(require.resolve('@electric-sql/pglite'));
for (const file of ['pglite.wasm', 'pglite.data', 'initdb.wasm']) cpSync(join(pglite, file), join(dist, file));
mkdirSync(join(dist, 'pglite-contrib'));
for (const ext of ['pgcrypto', 'uuid-ossp', 'citext', 'pg_trgm', 'hstore', 'btree_gist', 'ltree']) {
  cpSync(join(pglite, `${ext}.tar.gz`), join(dist, 'pglite-contrib', `${ext}.tar.gz`));
}
const { ensurePgliteDataDir } = await import('./build-pglite-datadir.mjs');
cpSync(await ensurePgliteDataDir(), join(dist, 'pglite-datadir.tgz'));

cpSync(join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm'), join(dist, 'libpg-query.wasm'));
cpSync(join(root, 'server', 'docs'), join(dist, 'docs'), { recursive: true });
console.log(`built dist/ (${production ? 'production' : 'development'})`);
