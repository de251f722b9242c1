/** What the CLI's commands share about bad input: the error type and reading configuration files. */
import { ConfigError } from '../engine/index';
import { loadConfigFile, type LoadedConfig } from '../node/config-file';
import { describeFsError } from '../node/inputs';

/** A mistake in the command line or the configuration: one line on stderr, exit code 2. */
export class UsageError extends Error {}

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
