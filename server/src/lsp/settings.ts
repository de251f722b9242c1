/**
 * Editor settings, pulled per document with workspace/configuration and turned into a configuration
 * layer that overrides safe-migrations.config.json. A bad value never stops linting: it is dropped,
 * reported once as a problem, and the file or default value applies instead.
 */
import { ConfigError, parseServerVersion, RULE_IDS, type ProjectConfig, type RuleSetting } from '../engine/index';
import { DEFAULT_DEBOUNCE_MS, MAX_DEBOUNCE_MS, SETTINGS_SECTION, type SafeMigrationsSettings } from '../protocol/settings';

export interface EditorLayer {
  /** The settings as a configuration layer (only the keys that were set and valid). */
  config: ProjectConfig;
  debounceMs: number;
  /** One line per rejected value, e.g. `safeMigrations.postgresVersion: …`. */
  problems: string[];
}

const LEVELS = new Set(['off', 'error', 'warning', 'info', 'hint']);

/** Validates raw settings (whatever the client sent) key by key. */
export function editorLayer(raw: unknown): EditorLayer {
  const layer: EditorLayer = { config: {}, debounceMs: DEFAULT_DEBOUNCE_MS, problems: [] };
  if (raw === null || raw === undefined) return layer;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    layer.problems.push(`${SETTINGS_SECTION}: expected an object of settings, got ${describe(raw)}`);
    return layer;
  }
  const s = raw as Record<string, unknown>;
  const problem = (key: string, what: string) => layer.problems.push(`${SETTINGS_SECTION}.${key}: ${what}`);

  if (isSet(s.postgresVersion)) {
    try {
      parseServerVersion(s.postgresVersion);
      layer.config.postgresVersion = s.postgresVersion as string | number;
    } catch (e) {
      problem('postgresVersion', e instanceof ConfigError ? e.message : String(e));
    }
  }
  if (isSet(s.rules)) {
    if (typeof s.rules !== 'object' || Array.isArray(s.rules)) problem('rules', `expected an object of rule id → "off" or a severity, got ${describe(s.rules)}`);
    else {
      const rules: Record<string, RuleSetting> = {};
      for (const [id, value] of Object.entries(s.rules as Record<string, unknown>)) {
        const level = value === false ? 'off' : value;
        if (!RULE_IDS.has(id)) problem('rules', `unknown rule "${id}"`);
        else if (typeof level !== 'string' || !LEVELS.has(level)) problem(`rules.${id}`, `must be "off", "error", "warning", "info" or "hint", not ${describe(value)}`);
        else rules[id] = level as RuleSetting;
      }
      if (Object.keys(rules).length > 0) layer.config.rules = rules;
    }
  }
  if (isSet(s.assumeInTransaction)) {
    if (typeof s.assumeInTransaction === 'boolean') layer.config.assumeInTransaction = s.assumeInTransaction;
    else problem('assumeInTransaction', `must be true or false, not ${describe(s.assumeInTransaction)}`);
  }
  if (isSet(s.lockTimeout)) {
    if (typeof s.lockTimeout === 'string') layer.config.lockTimeout = s.lockTimeout;
    else problem('lockTimeout', `must be a duration such as "2s", not ${describe(s.lockTimeout)}`);
  }
  const lint = s.lint as SafeMigrationsSettings['lint'] | undefined;
  if (lint && typeof lint === 'object' && isSet(lint.debounceMs)) {
    const ms = lint.debounceMs;
    if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) layer.debounceMs = Math.min(Math.round(ms), MAX_DEBOUNCE_MS);
    else problem('lint.debounceMs', `must be a number of milliseconds, not ${describe(ms)}`);
  }
  return layer;
}

/** Empty strings count as "not set": VS Code's settings editor leaves them behind when a value is cleared. */
function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** What the store needs from the connection: one workspace/configuration round trip. */
export type ConfigurationPull = (scopeUri: string) => Promise<unknown>;

/**
 * Settings per document. With a client that answers workspace/configuration, each document's settings
 * are pulled once and kept until the next didChangeConfiguration; otherwise the settings pushed with
 * didChangeConfiguration apply to every document.
 */
export class SettingsStore {
  private readonly pending = new Map<string, Promise<EditorLayer>>();
  private readonly resolved = new Map<string, EditorLayer>();
  private pushed: EditorLayer = editorLayer(undefined);
  /** Bumped by every didChangeConfiguration, so that answers to older requests are not kept. */
  private generation = 0;

  constructor(
    private readonly pull: ConfigurationPull | undefined,
    private readonly log: (message: string) => void,
  ) {}

  get(uri: string): Promise<EditorLayer> {
    if (!this.pull) return Promise.resolve(this.pushed);
    let layer = this.pending.get(uri);
    if (!layer) {
      layer = this.fetch(uri);
      this.pending.set(uri, layer);
    }
    return layer;
  }

  /** The settings already known for a document, without waiting (for scheduling decisions). */
  peek(uri: string): EditorLayer | undefined {
    return this.pull ? this.resolved.get(uri) : this.pushed;
  }

  /** didChangeConfiguration: forget pulled settings; take pushed ones when the client pushes them. */
  changed(pushedSettings: unknown): void {
    this.generation++;
    this.pending.clear();
    this.resolved.clear();
    if (!this.pull) {
      const section = pushedSettings && typeof pushedSettings === 'object' ? (pushedSettings as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
      this.pushed = editorLayer(section);
    }
  }

  forget(uri: string): void {
    this.pending.delete(uri);
    this.resolved.delete(uri);
  }

  private async fetch(uri: string): Promise<EditorLayer> {
    const generation = this.generation;
    let layer: EditorLayer;
    try {
      layer = editorLayer(await this.pull!(uri));
    } catch (error) {
      this.log(`Could not read the settings for ${uri}; using the configuration file and defaults: ${(error as Error).message}`);
      layer = editorLayer(undefined);
    }
    // A didChangeConfiguration may have arrived while the request was out: only keep a current answer.
    if (generation === this.generation && this.pending.has(uri)) this.resolved.set(uri, layer);
    return layer;
  }
}
