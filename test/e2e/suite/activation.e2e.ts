import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activeExtension, appendText, closeAllEditors, EXTENSION_ID, migrationUri, openMigration, ourDiagnostics, waitForRule } from './helpers';

describe('activation', () => {
  after(closeAllEditors);

  it('activates when a migration opens, with its commands registered', async () => {
    const editor = await openMigration('V1__create_accounts.sql');
    assert.equal(editor.document.languageId, 'sql');
    const extension = await activeExtension();
    assert.equal(extension.id, EXTENSION_ID);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['safeMigrations.restartServer', 'safeMigrations.showRuleDocumentation']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it('lints edits as they are typed, and knows tables created earlier in the same file', async () => {
    // V2 creates `orders` and indexes it at once: nothing to flag. An index on `accounts` (created by
    // V1, so it may hold data) typed into the buffer must be flagged on its own line only.
    const editor = await openMigration('V2__create_orders.sql');
    const uri = migrationUri('V2__create_orders.sql');
    const indexOnNewTable = editor.document.getText().split('\n').findIndex((l) => l.startsWith('CREATE INDEX orders_account_id_idx'));
    assert.ok(indexOnNewTable >= 0, 'fixture V2 changed: it must index the table it creates');
    await appendText(editor, '\nCREATE INDEX accounts_created_at_idx ON accounts (created_at);\n');
    const [typed] = await waitForRule(uri, 'create-index-concurrently', 1);
    assert.equal(editor.document.lineAt(typed.range.start.line).text.startsWith('CREATE INDEX accounts_created_at_idx'), true);
    assert.deepEqual(
      ourDiagnostics(uri).filter((d) => d.range.start.line === indexOnNewTable),
      [],
      'the index on the table created in the same file must not be flagged',
    );
  });
});
