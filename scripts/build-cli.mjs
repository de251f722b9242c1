// Bundles the CLI into a folder: dist/cli-main.js (the CLI) and dist/cli.js (the executable: a small
// launcher that runs cli-main.js through V8's code cache). The cache is named after a hash of
// cli-main.js, defined into the launcher, so a rebuilt CLI never runs stale bytecode. Used by the
// build and by the tests that run the bundled CLI.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `options`: esbuild's options shared by every bundle (platform, format, minify …). Returns the executable's path. */
export async function buildCli(outdir, options) {
  const main = join(outdir, 'cli-main.js');
  await build({ ...options, entryPoints: ['server/src/cli/main.ts'], outfile: main });
  const bundleId = createHash('sha256').update(readFileSync(main)).digest('hex').slice(0, 16);
  const launcher = join(outdir, 'cli.js');
  await build({
    ...options,
    entryPoints: ['server/src/cli/launch.ts'],
    outfile: launcher,
    banner: { js: '#!/usr/bin/env node' },
    define: { CLI_BUNDLE_ID: JSON.stringify(bundleId) },
  });
  return launcher;
}
