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

  it('offers the safe multi-step rewrite and applies it as new files (CreateFile) plus an edit of the migration', async () => {
    await closeAllEditors();
    await openMigration(FILE);
    const uri = migrationUri(FILE);
    const [finding] = await waitForRule(uri, 'create-index-concurrently', 1);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const lens = lenses.find((l) => l.command?.title === 'Preview safe plan');
    assert.ok(lens, `no Preview safe plan lens among: ${lenses.map((l) => l.command?.title).join(' | ')}`);
    assert.equal(lens.command?.command, 'safeMigrations.previewPlan');
    assert.equal(lens.range.start.line, finding.range.start.line);
    assert.ok((await vscode.commands.getCommands(true)).includes('safeMigrations.previewPlan'));
    // Resolve up to 10 actions: the rewrite's edit is made on codeAction/resolve.
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, finding.range, vscode.CodeActionKind.QuickFix.value, 10)) ?? [];
    const plan = actions.find((a) => a.title === 'Rewrite as a safe multi-step migration…');
    assert.ok(plan?.edit, `no resolved rewrite among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.notEqual(plan.isPreferred, true);
    const created = vscode.Uri.joinPath(workspaceRoot(), 'migrations', 'V5__create_index_accounts_email_idx_concurrently.sql');
    try {
      assert.ok(await vscode.workspace.applyEdit(plan.edit));
      const newFile = await vscode.workspace.openTextDocument(created);
      assert.equal(newFile.getText(), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_idx ON accounts (email);\n');
      const conf = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'migrations', 'V5__create_index_accounts_email_idx_concurrently.sql.conf'));
      assert.match(conf.getText(), /executeInTransaction=false/);
      await waitForRule(uri, 'create-index-concurrently', 0);
    } finally {
      // Reverts the edited migration and the new files' unsaved buffers.
      await closeAllEditors();
      for (const name of ['V5__create_index_accounts_email_idx_concurrently.sql', 'V5__create_index_accounts_email_idx_concurrently.sql.conf']) {
        await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), 'migrations', name), { useTrash: false }).then(undefined, () => undefined);
      }
    }
  });
});
