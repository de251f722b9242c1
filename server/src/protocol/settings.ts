/**
 * The editor settings of Safe Migrations (section `safeMigrations`), typed once and shared by the
 * language server and the VS Code client. Every key is optional: a key that is not set falls back to
 * `safe-migrations.config.json`, then to the built-in default, so that an editor default never hides
 * what the project's configuration file says.
 */

export const SETTINGS_SECTION = 'safeMigrations';

export type RuleLevel = 'off' | 'error' | 'warning' | 'info' | 'hint';

export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface SafeMigrationsSettings {
  /** Target PostgreSQL version, e.g. "16" or "14.2". */
  postgresVersion?: string;
  /** Rule id → "off" or a severity; overrides the configuration file per rule. */
  rules?: Record<string, RuleLevel>;
  /** The migration runner wraps every file in a transaction. */
  assumeInTransaction?: boolean;
  /** A lock_timeout the runner sets for every migration, e.g. "2s". */
  lockTimeout?: string;
  lint?: {
    /** Quiet time after an edit before changes that follow a lint are linted again. */
    debounceMs?: number;
  };
  trace?: {
    /** Traces the messages between VS Code and the language server (read by the client). */
    server?: TraceLevel;
  };
}

/** The dotted keys under `safeMigrations`, as VS Code's configuration API names them. */
export const SETTING_KEYS = [
  'postgresVersion',
  'rules',
  'assumeInTransaction',
  'lockTimeout',
  'lint.debounceMs',
  'trace.server',
] as const;

export type SettingKey = (typeof SETTING_KEYS)[number];

export const DEFAULT_POSTGRES_VERSION = '16';
export const DEFAULT_DEBOUNCE_MS = 100;
export const MAX_DEBOUNCE_MS = 5000;
