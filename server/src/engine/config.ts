/**
 * Project configuration: the parsed content of `safe-migrations.config.json`, merged with editor or
 * command-line overrides. Reading files is the caller's job; this module only validates and merges.
 */
import { FRAMEWORK_IDS, type FrameworkId } from './history/types';
import type { ServerVersion, Severity } from './types';

export type RuleSetting = 'off' | Severity;

export interface ProjectConfig {
  /** Target PostgreSQL version, e.g. 16 or "14.2". */
  postgresVersion?: number | string;
  /** Per-rule setting: "off" or a severity. Unlisted rules use their defaults. */
  rules?: Record<string, RuleSetting>;
  /** Folders (relative to the config file) that hold migration histories. */
  migrations?: string[];
  /** The runner wraps every migration file in a transaction. */
  assumeInTransaction?: boolean;
  /** A lock_timeout the runner sets for every migration (so files need not set it). */
  lockTimeout?: string;
  /** A statement_timeout the runner sets for every migration. */
  statementTimeout?: string;
  /** The lowest severity that makes the CLI exit with 1. */
  failOn?: Severity;
  /** The migration framework of the histories (one of FRAMEWORK_IDS); detected from the files when unset. */
  framework?: string;
  /** A git ref whose migrations count as merged (e.g. "origin/main"), for the history rules. */
  baseRef?: string;
}

export interface ResolvedConfig {
  serverVersion: ServerVersion;
  rules: Record<string, RuleSetting>;
  migrations: string[];
  assumeInTransaction: boolean;
  lockTimeout?: string;
  statementTimeout?: string;
  failOn: Severity;
  framework?: FrameworkId;
  baseRef?: string;
}

export const DEFAULT_SERVER_VERSION: ServerVersion = { major: 16, minor: 0 };

export const CONFIG_FILE_NAME = 'safe-migrations.config.json';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint']);
const KNOWN_KEYS = new Set(['$schema', 'postgresVersion', 'rules', 'migrations', 'assumeInTransaction', 'lockTimeout', 'statementTimeout', 'failOn', 'framework', 'baseRef']);

export class ConfigError extends Error {}

/** Parses "16", 16, "14.2" or "9.6" into a server version; throws ConfigError on anything else. */
export function parseServerVersion(value: unknown): ServerVersion {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  const major = match ? Number(match[1]) : NaN;
  if (!match || major < 9 || major > 19) {
    throw new ConfigError(`postgresVersion must be a PostgreSQL version such as 16 or "14.2", not ${JSON.stringify(value)}`);
  }
  return { major, minor: match[2] === undefined ? 0 : Number(match[2]) };
}

/**
 * Validates a parsed configuration object. `knownRules` lets it reject misspelt rule ids with a clear
 * message instead of silently ignoring them.
 */
export function validateConfig(raw: unknown, knownRules: ReadonlySet<string>, source = CONFIG_FILE_NAME): ProjectConfig {
  const fail = (what: string): never => {
    throw new ConfigError(`${source}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must contain a JSON object');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!KNOWN_KEYS.has(key)) fail(`unknown setting "${key}" (known: ${[...KNOWN_KEYS].slice(1).join(', ')})`);
  const config: ProjectConfig = {};
  if (obj.postgresVersion !== undefined) {
    try {
      parseServerVersion(obj.postgresVersion);
    } catch (e) {
      fail((e as Error).message);
    }
    config.postgresVersion = obj.postgresVersion as number | string;
  }
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) fail('"rules" must be an object of rule id → "off" or a severity');
    const rules: Record<string, RuleSetting> = {};
    for (const [id, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!knownRules.has(id)) fail(`unknown rule "${id}" in "rules"`);
      const setting = value === false ? 'off' : value;
      if (setting !== 'off' && !SEVERITIES.has(setting as string)) fail(`rule "${id}" must be "off", "error", "warning", "info" or "hint", not ${JSON.stringify(value)}`);
      rules[id] = setting as RuleSetting;
    }
    config.rules = rules;
  }
  if (obj.migrations !== undefined) {
    if (!Array.isArray(obj.migrations) || obj.migrations.some((m) => typeof m !== 'string')) fail('"migrations" must be an array of folder paths');
    config.migrations = obj.migrations as string[];
  }
  if (obj.assumeInTransaction !== undefined) {
    if (typeof obj.assumeInTransaction !== 'boolean') fail('"assumeInTransaction" must be true or false');
    config.assumeInTransaction = obj.assumeInTransaction as boolean;
  }
  for (const key of ['lockTimeout', 'statementTimeout'] as const) {
    if (obj[key] !== undefined) {
      if (typeof obj[key] !== 'string') fail(`"${key}" must be a duration string such as "2s"`);
      config[key] = obj[key] as string;
    }
  }
  if (obj.failOn !== undefined) {
    if (!SEVERITIES.has(obj.failOn as string)) fail('"failOn" must be "error", "warning", "info" or "hint"');
    config.failOn = obj.failOn as Severity;
  }
  if (obj.framework !== undefined) {
    if (!isFrameworkId(obj.framework)) fail(`"framework" must be one of ${FRAMEWORK_IDS.join(', ')}, not ${JSON.stringify(obj.framework)}`);
    config.framework = obj.framework as FrameworkId;
  }
  if (obj.baseRef !== undefined) {
    if (typeof obj.baseRef !== 'string' || obj.baseRef.trim() === '') fail('"baseRef" must be a git ref such as "origin/main"');
    config.baseRef = obj.baseRef as string;
  }
  return config;
}

export function isFrameworkId(value: unknown): value is FrameworkId {
  return typeof value === 'string' && (FRAMEWORK_IDS as readonly string[]).includes(value);
}

/** Parses the text of a configuration file; throws ConfigError with the file name on bad JSON. */
export function parseConfigText(text: string, knownRules: ReadonlySet<string>, source = CONFIG_FILE_NAME): ProjectConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  return validateConfig(raw, knownRules, source);
}

/** Merges configuration layers; later layers win (file, then editor settings or CLI flags). */
export function resolveConfig(...layers: (ProjectConfig | undefined)[]): ResolvedConfig {
  const resolved: ResolvedConfig = {
    serverVersion: DEFAULT_SERVER_VERSION,
    rules: {},
    migrations: [],
    assumeInTransaction: false,
    failOn: 'warning',
  };
  for (const layer of layers) {
    if (!layer) continue;
    if (layer.postgresVersion !== undefined) resolved.serverVersion = parseServerVersion(layer.postgresVersion);
    if (layer.rules) resolved.rules = { ...resolved.rules, ...layer.rules };
    if (layer.migrations) resolved.migrations = layer.migrations;
    if (layer.assumeInTransaction !== undefined) resolved.assumeInTransaction = layer.assumeInTransaction;
    if (layer.lockTimeout !== undefined) resolved.lockTimeout = layer.lockTimeout;
    if (layer.statementTimeout !== undefined) resolved.statementTimeout = layer.statementTimeout;
    if (layer.failOn !== undefined) resolved.failOn = layer.failOn;
    // Layers reach here validated (validateConfig, CLI flags); an unknown name fails when the history loads.
    if (layer.framework !== undefined) resolved.framework = layer.framework as FrameworkId;
    if (layer.baseRef !== undefined) resolved.baseRef = layer.baseRef;
  }
  return resolved;
}
