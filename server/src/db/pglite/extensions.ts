/**
 * The contrib extensions migrations commonly create, from PGlite's own contrib modules. PGlite needs
 * them registered when an instance is created; each costs boot time, so only the ones the history or
 * the migration creates are registered.
 *
 * In the bundled extension the modules' own archive paths (relative to their source files) no longer
 * exist, so the archives are looked up in the folder the build copies them to.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Extension, Extensions } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { hstore } from '@electric-sql/pglite/contrib/hstore';
import { ltree } from '@electric-sql/pglite/contrib/ltree';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { uuid_ossp } from '@electric-sql/pglite/contrib/uuid_ossp';
import type { ContribExtension } from '../plan';

const MODULES: Record<ContribExtension, Extension> = {
  pgcrypto,
  'uuid-ossp': uuid_ossp,
  citext,
  pg_trgm,
  hstore,
  btree_gist,
  ltree,
};

/** Folder of the extension archives in the bundle (dist/pglite-contrib), if this code runs bundled. */
export const BUNDLED_CONTRIB_DIR = join(__dirname, 'pglite-contrib');

export function pgliteExtensions(names: Iterable<ContribExtension>): Extensions {
  const assets = existsSync(BUNDLED_CONTRIB_DIR) ? BUNDLED_CONTRIB_DIR : undefined;
  const out: Extensions = {};
  for (const name of names) {
    const module = MODULES[name];
    out[name.replace(/-/g, '_')] = assets ? relocated(module, assets) : module;
  }
  return out;
}

function relocated(module: Extension, dir: string): Extension {
  return {
    name: module.name,
    setup: async (pg, emscriptenOpts, clientOnly) => {
      const result = await module.setup(pg, emscriptenOpts, clientOnly);
      if (result.bundlePath) result.bundlePath = pathToFileURL(join(dir, basename(fileURLToPath(result.bundlePath))));
      return result;
    },
  };
}
