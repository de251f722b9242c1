/** What the CLI's commands share about bad input: the error type, their arguments and reading configuration files. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, parseServerVersion } from '../engine/index';
import { loadConfigFile, type LoadedConfig } from '../node/config-file';
import { describeFsError } from '../node/inputs';

/** A mistake in the command line or the configuration: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** A command's arguments, strictly: an unknown or malformed option is a UsageError. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages name the option but end with hints meant for programmers; keep the first sentence.
    throw new UsageError(((error as Error).message.split('. ')[0] ?? 'bad arguments').replace(/\.$/, ''));
  }
}

/** The value of --pg-version, checked: a PostgreSQL version such as 16 or 14.2. */
export function pgVersionFlag(value: string): string {
  try {
    parseServerVersion(value);
  } catch {
    throw new UsageError(`--pg-version must be a PostgreSQL version such as 16 or 14.2, not "${value}"`);
  }
  return value;
}

/** Loads each configuration file once; an unreadable one is a UsageError, an invalid one a ConfigError. */
export function configLoader(): (path: string) => LoadedConfig {
  const loaded = new Map<string, LoadedConfig>();
  return (path) => {
    let config = loaded.get(path);
    if (!config) {
      try {
        config = loadConfigFile(path);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new UsageError(`cannot read configuration ${path}: ${describeFsError(error)}`);
      }
      loaded.set(path, config);
    }
    return config;
  };
}
