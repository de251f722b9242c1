import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, migrationUri, openMigration, waitForRule, workspaceRoot } from './helpers';

const FILE = 'V3__index_accounts_email.sql';

async function codeActions(uri: vscode.Uri, range: vscode.Range, kind: string): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
}

describe('quick fixes', () => {
  after(closeAllEditors);

  it('offers the lock_timeout autofix on the finding, and applying it withdraws the finding', async () => {
    await closeAllEditors();
    const editor = await openMigration(FILE);
    const uri = migrationUri(FILE);
    const [finding] = await waitForRule(uri, 'lock-timeout', 1);
    const actions = await codeActions(uri, finding.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.edit && /lock_timeout/.test(a.title));
    assert.ok(fix, `no lock_timeout quick fix among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.match(editor.document.getText(), /^SET lock_timeout = '\d+s';$/m);
    await waitForRule(uri, 'lock-timeout', 0);
    // The statement is untouched and still flagged for what the fix does not cover.
    await waitForRule(uri, 'create-index-concurrently', 1);
  });

  it('gathers the autofixes of a file in one fix-all action', async () => {
    await closeAllEditors();
    const editor = await openMigration(FILE);
    const uri = migrationUri(FILE);
    await waitForRule(uri, 'lock-timeout', 1);
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    const [fixAll] = await codeActions(uri, whole, 'source.fixAll.safeMigrations');
    assert.ok(fixAll?.edit, 'no fix-all action with an edit');
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit!));
    await waitForRule(uri, 'lock-timeout', 0);
  });

  it('applies the CONCURRENTLY autofix of a file that runs outside a transaction', async () => {
    await closeAllEditors();
    // A file of its own outside the migrations folder: no runner transaction, and no other test's fixture changes.
    const uri = vscode.Uri.joinPath(workspaceRoot(), 'scratch', 'concurrently.sql');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode("SET lock_timeout = '2s';\nCREATE INDEX accounts_name_idx ON accounts (name);\n"));
    try {
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
      const [finding] = await waitForRule(uri, 'create-index-concurrently', 1);
      const actions = await codeActions(uri, finding.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.edit && a.isPreferred && /CONCURRENTLY/.test(a.title));
      assert.ok(fix, `no preferred CONCURRENTLY quick fix among: ${actions.map((a) => a.title).join(' | ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit!));
      assert.equal(editor.document.lineAt(1).text, 'CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_name_idx ON accounts (name);');
      await waitForRule(uri, 'create-index-concurrently', 0);
    } finally {
      await closeAllEditors();
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), 'scratch'), { recursive: true, useTrash: false });
    }
  });
});
