/**
 * Safe multi-step rewrites in the language server, over stdio with a real client: the quick fix on a
 * planned finding of a history's migration (resolved lazily into CreateFile operations), the preview
 * request's markdown, the CodeLens, and no offer to clients that cannot create files.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ClientCapabilities, CodeAction, CodeLens, CreateFile, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { writeFiles } from '../cli/helpers';
import { LspTestClient } from './harness';
import type { PreviewPlanResult } from '../../server/src/protocol/plans';

const BASE: ClientCapabilities = {
  window: { workDoneProgress: true },
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
  textDocument: { publishDiagnostics: { versionSupport: true } },
};
const CAPABILITIES: ClientCapabilities = {
  ...BASE,
  workspace: { ...BASE.workspace, workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] } },
  textDocument: { ...BASE.textDocument, codeAction: { resolveSupport: { properties: ['edit'] }, isPreferredSupport: true, dataSupport: true } },
};

const V1 = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n';
const V2 = "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN name text;\nCREATE INDEX idx_users_email ON users (email);\n";
const NEW_NAME = 'V3__create_index_idx_users_email_concurrently.sql';

describe('safe multi-step rewrites in the language server', () => {
  const root = mkdtempSync(join(tmpdir(), 'safe-migrations-lsp-plans-'));
  const folder = join(root, 'db', 'migrations');
  const v2 = pathToFileURL(join(folder, 'V2__add_name.sql')).href;
  const clients: LspTestClient[] = [];

  before(() => {
    writeFiles(root, {
      'safe-migrations.config.json': JSON.stringify({ migrations: ['db/migrations'] }),
      'db/migrations/V1__create_users.sql': V1,
      'db/migrations/V2__add_name.sql': V2,
    });
  });

  after(async () => {
    for (const client of clients) await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function openV2(capabilities: ClientCapabilities): Promise<{ client: LspTestClient; diagnostic: Diagnostic }> {
    const client = await LspTestClient.start({ settings: () => ({}), capabilities, workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'app' }] });
    clients.push(client);
    await client.open(v2, V2);
    const published = await client.waitFor(
      () => client.published.find((p) => p.uri === v2 && p.diagnostics.some((d) => d.code === 'create-index-concurrently' && /SHARE lock on users/.test(String(d.message)))),
      'V2 linted with its history',
    );
    return { client, diagnostic: published.diagnostics.find((d) => d.code === 'create-index-concurrently')! };
  }

  it('offers the rewrite as a quick fix (not preferred) that resolves into CreateFile operations', async () => {
    const { client, diagnostic } = await openV2(CAPABILITIES);
    const actions = (await client.codeActions(v2, diagnostic.range, { diagnostics: [diagnostic] })) as CodeAction[];
    const plan = actions.find((a) => a.title === 'Rewrite as a safe multi-step migration…');
    assert.ok(plan, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(plan.kind, 'quickfix');
    assert.notEqual(plan.isPreferred, true);
    assert.equal(plan.edit, undefined, 'the edit is made on resolve');
    const resolved = await client.connection.sendRequest<CodeAction>('codeAction/resolve', plan);
    const changes = resolved.edit?.documentChanges ?? [];
    const creates = changes.filter((c): c is CreateFile => 'kind' in c && c.kind === 'create').map((c) => c.uri.slice(c.uri.lastIndexOf('/') + 1));
    assert.deepEqual(creates, [NEW_NAME, `${NEW_NAME}.conf`]);
    const edits = changes.filter((c): c is TextDocumentEdit => 'textDocument' in c);
    const textOf = (e: TextDocumentEdit | undefined) => (e?.edits[0] && 'newText' in e.edits[0] ? e.edits[0].newText : undefined);
    const newFile = edits.find((e) => e.textDocument.uri.endsWith(`/${NEW_NAME}`));
    assert.equal(textOf(newFile), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);\n');
    assert.match(textOf(edits.find((e) => e.textDocument.uri.endsWith('.conf'))) ?? '', /executeInTransaction=false/);
    const current = edits.find((e) => e.textDocument.uri === v2);
    assert.equal(current?.textDocument.version, 1, 'the current file is edited at the version seen');
    assert.equal(current?.edits.length, 1);
    assert.equal(current?.edits[0].range.start.line, 2, 'the CREATE INDEX line is removed');

    // The fix-all source action never carries the rewrite.
    const fixAll = (await client.codeActions(v2, diagnostic.range, { diagnostics: [diagnostic], only: ['source.fixAll'] })) as CodeAction[];
    assert.ok(!fixAll.some((a) => a.title.startsWith('Rewrite as')));

    const preview = await client.connection.sendRequest<PreviewPlanResult>('safeMigrations/previewPlan', { uri: v2, position: diagnostic.range.start });
    assert.equal(preview.plans.length, 1, JSON.stringify(preview));
    const markdown = preview.plans[0].markdown;
    assert.match(markdown, /\*\*build\*\*/, 'names the phase');
    assert.ok(markdown.includes(NEW_NAME) && markdown.includes(`${NEW_NAME}.conf`), markdown);
    assert.match(markdown, /SHARE UPDATE EXCLUSIVE lock on users/);
    assert.match(markdown, /CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email/);
    assert.deepEqual((preview.plans[0].edit as { documentChanges: unknown[] }).documentChanges, changes, 'the preview applies the same edit');

    const lenses = await client.connection.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: v2 } });
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command]),
      [[2, 'Preview safe plan', 'safeMigrations.previewPlan']],
    );
  });

  it('does not offer the rewrite to a client that cannot create files', async () => {
    const { client, diagnostic } = await openV2({ ...BASE, textDocument: CAPABILITIES.textDocument });
    const actions = (await client.codeActions(v2, diagnostic.range, { diagnostics: [diagnostic] })) as CodeAction[];
    assert.ok(!actions.some((a) => a.title.startsWith('Rewrite as')), JSON.stringify(actions.map((a) => a.title)));
    // The finding has a plan all the same: only the offer depends on the client.
    const preview = await client.connection.sendRequest<PreviewPlanResult>('safeMigrations/previewPlan', { uri: v2 });
    assert.equal(preview.plans.length, 1);
  });
});
