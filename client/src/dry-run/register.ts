/** Registers the dry-run commands and the CodeLens; disposed with the extension. */
import { commands, languages, type Disposable } from 'vscode';
import { addConnection, dryRunMigration, dryRunPending, removeConnection } from './commands';
import { DryRunCodeLens } from './code-lens';
import type { DryRunHost } from './run';

export const DRY_RUN_COMMANDS = {
  dryRunMigration: 'safeMigrations.dryRunMigration',
  dryRunPending: 'safeMigrations.dryRunPending',
  addConnection: 'safeMigrations.addConnection',
  removeConnection: 'safeMigrations.removeConnection',
} as const;

export function registerDryRun(host: DryRunHost): Disposable[] {
  const lens = new DryRunCodeLens();
  return [
    commands.registerCommand(DRY_RUN_COMMANDS.dryRunMigration, dryRunMigration(host)),
    commands.registerCommand(DRY_RUN_COMMANDS.dryRunPending, dryRunPending(host)),
    commands.registerCommand(DRY_RUN_COMMANDS.addConnection, addConnection(host)),
    commands.registerCommand(DRY_RUN_COMMANDS.removeConnection, removeConnection(host)),
    lens,
    languages.registerCodeLensProvider({ language: 'sql', scheme: 'file' }, lens),
  ];
}
