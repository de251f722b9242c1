/**
 * Finding and reading `safe-migrations.config.json` for a file: the nearest one in the file's folder
 * or above it. Shared by the CLI and the language server (both run on Node; the engine does no I/O).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, parseConfigText, RULE_IDS, type ProjectConfig } from '../engine/index';

/** The nearest configuration file at or above `start` (a file or folder), or undefined. */
export function findConfigFile(start: string): string | undefined {
  let dir = resolve(start);
  if (existsSync(dir) && !isDirectory(dir)) dir = dirname(dir);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface LoadedConfig {
  path: string;
  config: ProjectConfig;
}

/** Reads and validates a configuration file; throws ConfigError with the file's path on problems. */
export function loadConfigFile(path: string): LoadedConfig {
  // Editors on Windows often save JSON with a byte-order mark, which JSON.parse rejects.
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  return { path, config: parseConfigText(text, RULE_IDS, path) };
}

/** The configuration that applies to `file`, or undefined when there is none. */
export function configFor(file: string): LoadedConfig | undefined {
  const path = findConfigFile(file);
  return path ? loadConfigFile(path) : undefined;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
