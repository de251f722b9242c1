/**
 * The status bar item: server state (starting, ready, error) and, for the SQL file in the active
 * editor, how many rules are active and which PostgreSQL version and configuration file apply.
 */
import { MarkdownString, StatusBarAlignment, ThemeColor, window, type Disposable, type StatusBarItem } from 'vscode';
import type { DocumentStatus } from '../../server/src/protocol/requests';

export type ServerState = 'starting' | 'ready' | 'error' | 'stopped';

export class StatusBar implements Disposable {
  private readonly item: StatusBarItem;
  private readonly byUri = new Map<string, DocumentStatus>();
  private state: ServerState = 'stopped';
  private detail = '';
  private readonly subscription: Disposable;

  constructor() {
    this.item = window.createStatusBarItem('safeMigrations.status', StatusBarAlignment.Right, 100);
    this.item.name = 'Safe Migrations';
    this.subscription = window.onDidChangeActiveTextEditor(() => this.render());
    this.render();
  }

  setState(state: ServerState, detail = ''): void {
    this.state = state;
    this.detail = detail;
    if (state !== 'ready') this.byUri.clear();
    this.render();
  }

  update(status: DocumentStatus): void {
    this.byUri.set(status.uri, status);
    this.render();
  }

  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }

  private render(): void {
    const editor = window.activeTextEditor;
    const isSql = editor?.document.languageId === 'sql';
    const doc = editor ? this.byUri.get(editor.document.uri.toString()) : undefined;
    const item = this.item;
    item.backgroundColor = undefined;
    item.command = { title: 'Show Rule Documentation', command: 'safeMigrations.showRuleDocumentation' };
    const tooltip = new MarkdownString();
    if (this.state === 'starting') {
      item.text = '$(sync~spin) Safe Migrations';
      tooltip.appendText('Safe Migrations: starting the language server…');
    } else if (this.state === 'error' || this.state === 'stopped') {
      item.text = this.state === 'error' ? '$(error) Safe Migrations' : '$(circle-slash) Safe Migrations';
      if (this.state === 'error') item.backgroundColor = new ThemeColor('statusBarItem.errorBackground');
      item.command = { title: 'Restart Server', command: 'safeMigrations.restartServer' };
      tooltip.appendText(`Safe Migrations: the language server is ${this.state === 'error' ? 'not running' : 'stopped'}. ${this.detail}\nClick to restart it; details are in the "Safe Migrations" output.`);
    } else if (doc) {
      const warn = doc.problems.length > 0 ? ' $(warning)' : '';
      item.text = `$(shield) ${doc.activeRules} rules${warn}`;
      tooltip.appendText(`Safe Migrations: ready\n\nPostgreSQL ${doc.postgresVersion} · ${doc.activeRules} of ${doc.totalRules} rules active\n\n`);
      tooltip.appendText(doc.configFile ? `Configuration: ${doc.configFile}` : 'No safe-migrations.config.json: editor settings and defaults');
      if (doc.lintOnSaveOnly) tooltip.appendText('\n\nLarge file: linted when opened and saved.');
      for (const problem of doc.problems) tooltip.appendText(`\n\n⚠ ${problem}`);
    } else {
      item.text = '$(shield) Safe Migrations';
      tooltip.appendText('Safe Migrations: ready');
    }
    item.tooltip = tooltip;
    if (isSql || this.state === 'error') item.show();
    else item.hide();
  }
}
