import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { appendText, closeAllEditors, migrationUri, openMigration, waitFor, waitForRule } from './helpers';

/** Tabs that show a rendered markdown page (the built-in markdown preview is a webview). */
function markdownPreviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType));
}

describe('commands', () => {
  after(closeAllEditors);

  it('Show Rule Documentation opens the rule page in the markdown preview', async () => {
    await closeAllEditors();
    await vscode.commands.executeCommand('safeMigrations.showRuleDocumentation', 'create-index-concurrently');
    const [tab] = await waitFor('a markdown preview of the rule page', () => {
      const tabs = markdownPreviewTabs();
      return tabs.length > 0 && tabs;
    });
    assert.match(tab.label, /create-index-concurrently/);
  });

  it('Show Rule Documentation without an argument opens the page of the diagnostic under the cursor', async () => {
    await closeAllEditors();
    const editor = await openMigration('V3__index_accounts_email.sql');
    const [diagnostic] = await waitForRule(migrationUri('V3__index_accounts_email.sql'), 'create-index-concurrently', 1);
    editor.selection = new vscode.Selection(diagnostic.range.start, diagnostic.range.start);
    await vscode.commands.executeCommand('safeMigrations.showRuleDocumentation');
    const [tab] = await waitFor('a markdown preview opened from the cursor', () => {
      const tabs = markdownPreviewTabs();
      return tabs.length > 0 && tabs;
    });
    assert.match(tab.label, /create-index-concurrently/);
  });

  it('Restart Server brings the diagnostics back, and the new server lints edits', async () => {
    await closeAllEditors();
    const uri = migrationUri('V3__index_accounts_email.sql');
    const editor = await openMigration('V3__index_accounts_email.sql');
    await waitForRule(uri, 'create-index-concurrently', 1);

    // The stopping client withdraws the old server's diagnostics; the new server publishes its own.
    let withdrawn = false;
    const watch = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString()) && vscode.languages.getDiagnostics(uri).length === 0) withdrawn = true;
    });
    try {
      await vscode.commands.executeCommand('safeMigrations.restartServer');
      await waitForRule(uri, 'create-index-concurrently', 1);
    } finally {
      watch.dispose();
    }
    assert.ok(withdrawn, 'the diagnostics were never withdrawn: the server did not restart');

    // Only a live server can see this edit: a second index on an existing table.
    await appendText(editor, '\nCREATE INDEX accounts_created_at_idx ON accounts (created_at);\n');
    const found = await waitForRule(uri, 'create-index-concurrently', 2);
    assert.deepEqual(found.map((d) => d.range.start.line).sort((a, b) => a - b), [1, 3]);
  });
});
