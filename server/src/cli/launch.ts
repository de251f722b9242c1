/**
 * The `safe-migrations` executable (dist/cli.js): sets the V8 flags of the command about to run, then
 * runs the CLI's bundle (dist/cli-main.js) through the compile cache. Kept tiny, and free of the
 * engine, because this file itself is compiled on every start.
 */
import { join } from 'node:path';
import { runWithCompileCache } from '../node/compile-cache';
import { applyFlags, restoreStartupFlags, startupFlagsFor } from '../node/v8-tuning';

/** A hash of dist/cli-main.js, defined by the build. */
declare const CLI_BUNDLE_ID: string;

const flags = startupFlagsFor(process.argv[2]);
applyFlags(flags);
runWithCompileCache(join(__dirname, 'cli-main.js'), { bundleId: CLI_BUNDLE_ID, flags, beforeSave: restoreStartupFlags });
