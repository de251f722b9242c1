/**
 * A "Dry run" CodeLens at the top of migration files. Shown only in a trusted workspace (a dry run
 * executes the file's SQL) and while `safeMigrations.dryRun.codeLens` is on; it appears as soon as
 * the workspace is trusted.
 */
import { CodeLens, EventEmitter, Range, workspace, type CodeLensProvider, type Disposable, type TextDocument } from 'vscode';
import { SETTINGS_SECTION } from '../../../server/src/protocol/settings';
import { looksLikeMigration } from './migration-files';

export class DryRunCodeLens implements CodeLensProvider, Disposable {
  private readonly changed = new EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: Disposable[];

  constructor() {
    this.subscriptions = [
      workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SETTINGS_SECTION}.dryRun.codeLens`)) this.changed.fire();
      }),
    ];
  }

  provideCodeLenses(document: TextDocument): CodeLens[] {
    if (!workspace.isTrusted || document.uri.scheme !== 'file' || !looksLikeMigration(document.uri.fsPath)) return [];
    if (!workspace.getConfiguration(SETTINGS_SECTION, document.uri).get<boolean>('dryRun.codeLens', true)) return [];
    const top = new Range(0, 0, 0, 0);
    return [
      new CodeLens(top, {
        title: '$(beaker) Dry run',
        tooltip: 'Run this migration inside a transaction that is rolled back, and show what it locks, blocks and rewrites',
        command: 'safeMigrations.dryRunMigration',
        arguments: [document.uri],
      }),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
