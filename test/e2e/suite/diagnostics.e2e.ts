import * as assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { closeAllEditors, codeOf, docLinkOf, migrationUri, openMigration, ourDiagnostics, waitForRule } from './helpers';

describe('diagnostics', () => {
  after(closeAllEditors);

  it('flags CREATE INDEX without CONCURRENTLY on an existing table, with its lock and a link to the rule', async () => {
    const editor = await openMigration('V3__index_accounts_email.sql');
    const uri = migrationUri('V3__index_accounts_email.sql');
    const [diagnostic] = await waitForRule(uri, 'create-index-concurrently', 1);
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diagnostic.source, 'safe-migrations');
    // The range covers the statement's head on line 2 (the first line is a comment).
    assert.equal(diagnostic.range.start.line, 1);
    assert.ok(editor.document.getText(diagnostic.range).startsWith('CREATE INDEX'), `range covers: ${editor.document.getText(diagnostic.range)}`);
    // Which lock on which table, and what to do instead.
    assert.match(diagnostic.message, /SHARE/);
    assert.match(diagnostic.message, /accounts/);
    assert.match(diagnostic.message, /CONCURRENTLY/);

    const link = docLinkOf(diagnostic);
    assert.ok(link, 'the diagnostic code carries no documentation link (codeDescription)');
    assert.match(link.path, /\/docs\/rules\/create-index-concurrently\.md$/);
    const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(link));
    assert.equal(page.split('\n')[0], '# create-index-concurrently');
  });

  it('also flags the missing lock_timeout, and gives every diagnostic a rule code with a page', async () => {
    const uri = migrationUri('V3__index_accounts_email.sql');
    await openMigration('V3__index_accounts_email.sql');
    await waitForRule(uri, 'create-index-concurrently', 1);
    const [lockTimeout] = await waitForRule(uri, 'lock-timeout', 1);
    assert.match(lockTimeout.message, /lock_timeout/);
    for (const diagnostic of ourDiagnostics(uri)) {
      const code = codeOf(diagnostic);
      assert.ok(code && /^[a-z][a-z0-9-]*$/.test(code), `diagnostic without a rule code: ${diagnostic.message}`);
      assert.ok(docLinkOf(diagnostic)?.path.endsWith(`/docs/rules/${code}.md`), `${code} has no documentation link`);
    }
  });
});
