/**
 * Settings as the language server sees them. Only values a person has set (user, workspace, folder,
 * or their [sql] language overrides) are sent: a declared default such as postgresVersion "16" must
 * not override what safe-migrations.config.json says. The server applies the same defaults itself.
 */
import { Uri, workspace } from 'vscode';
import { SETTING_KEYS, SETTINGS_SECTION, type SafeMigrationsSettings } from '../../server/src/protocol/settings';

export function explicitSettings(scopeUri: string | undefined): SafeMigrationsSettings {
  const uri = scopeUri ? Uri.parse(scopeUri) : undefined;
  const config = workspace.getConfiguration(SETTINGS_SECTION, { uri, languageId: 'sql' });
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = mostSpecific(config.inspect(key));
    if (value === undefined) continue;
    const path = key.split('.');
    let target = settings;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]] = value;
  }
  return settings as SafeMigrationsSettings;
}

interface Inspected {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

/** The most specific value set; objects (the rules map) are merged across levels, as VS Code does. */
function mostSpecific(inspected: Inspected | undefined): unknown {
  if (!inspected) return undefined;
  const levels = [
    inspected.globalValue,
    inspected.workspaceValue,
    inspected.workspaceFolderValue,
    inspected.globalLanguageValue,
    inspected.workspaceLanguageValue,
    inspected.workspaceFolderLanguageValue,
  ].filter((v) => v !== undefined);
  if (levels.length === 0) return undefined;
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (levels.every(isObject)) return Object.assign({}, ...levels);
  return levels[levels.length - 1];
}
