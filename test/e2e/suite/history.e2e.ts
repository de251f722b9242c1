import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, waitFor, waitForRule, workspaceRoot } from './helpers';

/** The billing history of the fixture workspace: V1 creates invoices, V3 changes a column's type. */
function billingMigration(name: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), 'billing', 'migrations', name);
}

async function open(name: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(billingMigration(name)), { preview: false });
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('migration history', () => {
  after(closeAllEditors);

  it('lints a late migration against the table an early one created', async () => {
    await closeAllEditors();
    const uri = billingMigration('V3__widen_invoice_amount.sql');
    await open('V3__widen_invoice_amount.sql');
    const [diagnostic] = await waitForRule(uri, 'alter-column-type', 1);
    // Known from V1: the old type, hence a certain rewrite (alone, the file would say the type is unknown).
    assert.match(diagnostic.message, /Changing invoices\.amount_cents from integer to bigint rewrites invoices/);
  });

  it('follows an unsaved edit of the early migration into the late one', async () => {
    const late = billingMigration('V3__widen_invoice_amount.sql');
    await open('V3__widen_invoice_amount.sql');
    const early = await open('V1__create_invoices.sql');
    const line = early.document.getText().split('\n').findIndex((l) => l.includes('amount_cents integer'));
    assert.ok(line >= 0, 'fixture V1 changed: it must create amount_cents as integer');
    const start = early.document.lineAt(line).text.indexOf('integer');
    const edited = await early.edit((edit) => edit.replace(new vscode.Range(line, start, line, start + 'integer'.length), 'bigint'));
    assert.ok(edited);
    // Now V3 changes bigint to bigint: nothing to rewrite, nothing to flag.
    await waitForRule(late, 'alter-column-type', 0);
    // Reverting the buffer (as closing it without saving would) brings V1's text on disk back.
    await vscode.window.showTextDocument(early.document);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await waitForRule(late, 'alter-column-type', 1);
  });

  it('hovers a column with its type before the statement and the migration that created it', async () => {
    const editor = await open('V3__widen_invoice_amount.sql');
    const uri = billingMigration('V3__widen_invoice_amount.sql');
    await waitForRule(uri, 'alter-column-type', 1);
    const line = editor.document.getText().split('\n').findIndex((l) => l.startsWith('ALTER TABLE'));
    const position = new vscode.Position(line, editor.document.lineAt(line).text.indexOf('amount_cents') + 3);
    const text = await waitFor('a hover on amount_cents', async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
      const value = hoverText(hovers);
      return /invoices\.amount\\?_cents/.test(value) && value;
    });
    assert.match(text, /`integer` · NOT NULL/);
    assert.match(text, /Last changed by \[V1\\_\\_create\\_invoices\.sql\]/);
  });
});
