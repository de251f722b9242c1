/**
 * Runs a CommonJS bundle through V8's code cache. Node compiles the CLI's bundle (close to a megabyte)
 * anew on every start, and each function again when it first runs; a lint in CI is over in a few
 * hundred milliseconds, so that is a good part of it. The first run saves the bytecode of everything
 * it compiled in a per-user cache folder; later runs read it instead of compiling. Measured on the
 * benchmark's 5,000-statement file: about 30 ms less per run; on a 300-statement file, about 11 ms.
 *
 * V8 checks a cache against its own version, its flags and the source's length, and refuses one that
 * does not match; the file name adds a hash of the bundle's content, computed at build time, so a
 * rebuilt bundle of the same length never gets stale bytecode. Anything that goes wrong with the cache
 * (no home folder, a read-only disk, a corrupt file) only means compiling as usual.
 *
 * SAFE_MIGRATIONS_COMPILE_CACHE: unset for the default folder, `off` to never read or write a cache,
 * or a folder to keep it in.
 */
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { writeAtomically } from './write-atomically';

export const COMPILE_CACHE_ENV = 'SAFE_MIGRATIONS_COMPILE_CACHE';

/** Caches not written for this long belong to versions no longer run (an accepted cache is never rewritten). */
const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

/** The folder for the cache, or undefined when caching is off or there is nowhere to put it. */
export function compileCacheFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string | undefined {
  const setting = env[COMPILE_CACHE_ENV]?.trim();
  if (setting && /^(off|0|false|no)$/i.test(setting)) return undefined;
  if (setting) return setting;
  try {
    if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'safe-migrations', 'Cache') : undefined;
    const home = env.HOME || homedir();
    if (platform === 'darwin') return join(home, 'Library', 'Caches', 'safe-migrations');
    return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'safe-migrations');
  } catch {
    return undefined;
  }
}

/** 32-bit FNV-1a, in hex: names the flag set in the cache file's name. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

export interface CompileCacheOptions {
  /** A hash of the bundle's content, fixed when it was built. */
  bundleId: string;
  /** The V8 flags in force when the bundle is compiled; a cache is made for each set. */
  flags: readonly string[];
  /** Called at exit, before the cache is written: must put the flags back to `flags`. */
  beforeSave?: () => void;
}

/** Loads and runs `bundle` (a CommonJS file) as Node would, with its compiled code cached between runs. */
export function runWithCompileCache(bundle: string, options: CompileCacheOptions): void {
  const folder = compileCacheFolder();
  // Node's version in the name too: two Node versions sharing the folder would otherwise keep
  // refusing and rewriting each other's cache.
  const cacheFile = folder && join(folder, `cli-${options.bundleId}-${fnv1a(options.flags.join(' '))}-${process.version}-${process.arch}.v8cache`);
  let cached: Buffer | undefined;
  if (cacheFile) {
    try {
      cached = readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
  }
  const source = readFileSync(bundle, 'utf8');
  // A #! line is legal only at the very start of a file; keep the bundle's line numbers for stack traces.
  const body = source.startsWith('#!') ? `//${source.slice(2)}` : source;
  const script = new Script(Module.wrap(body), { filename: bundle, cachedData: cached });
  if (cacheFile && (cached === undefined || script.cachedDataRejected)) {
    process.once('exit', () => saveCache(cacheFile, script, options.beforeSave));
  }
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  const module = new Module(bundle);
  module.filename = bundle;
  module.loaded = true;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/** Writes the bytecode of everything compiled so far, atomically; failures are ignored (see above). */
function saveCache(cacheFile: string, script: Script, beforeSave: (() => void) | undefined): void {
  try {
    beforeSave?.();
    writeAtomically(cacheFile, script.createCachedData(), { file: 0o600, folder: 0o700 });
    removeStaleCaches(dirname(cacheFile), cacheFile);
  } catch {
    // Only a missed speed-up.
  }
}

function removeStaleCaches(folder: string, keep: string): void {
  const now = Date.now();
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (path === keep || !/^cli-.*\.v8cache(\.\d+\.tmp)?$/.test(name)) continue;
    try {
      if (now - statSync(path).mtimeMs > STALE_AFTER_MS) unlinkSync(path);
    } catch {
      // Another process removed it first.
    }
  }
}
