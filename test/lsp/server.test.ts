/**
 * The language server as an editor sees it: the real dist/server.js over stdio, driven by a real LSP
 * client. Other rules are added to the engine all the time, so assertions name specific rule codes.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, FileChangeType, TextDocumentSyncKind, type CodeAction, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient, publishedSince, type Published } from './harness';
import { syntheticMigration } from './synthetic-migration';

/** Line 1 has multi-byte text before the index, so columns must be UTF-16 (not bytes) to come out right. */
const HAZARDS = [
  '-- créé 🚀',
  "CREATE TABLE t (id int); SELECT 'é🚀'; CREATE INDEX idx_users_email ON users (email);",
  'ALTER TABLE users ADD COLUMN c timestamptz DEFAULT now();',
  '',
].join('\n');
const INDEX_RANGE = { start: { line: 1, character: 39 }, end: { line: 1, character: 76 } };

const byCode = (p: Published, code: string): Diagnostic[] => p.diagnostics.filter((d) => d.code === code);
/** The server always sends plain-text messages. */
const text = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

describe('language server over stdio', () => {
  const folder = mkdtempSync(join(tmpdir(), 'safe-migrations-lsp-'));
  const uri = (name: string) => pathToFileURL(join(folder, name)).href;
  let settings: Record<string, unknown> = {};
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ settings: () => settings });
  });
  after(() => {
    if (client && client.child.exitCode === null) client.child.kill();
    rmSync(folder, { recursive: true, force: true });
  });

  it('advertises incremental sync, hover and its name', () => {
    const caps = client.initializeResult!.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } });
    assert.equal(caps.hoverProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix', 'source.fixAll.safeMigrations'], resolveProvider: true });
    assert.equal(client.initializeResult!.serverInfo?.name, 'safe-migrations');
  });

  it('registers for settings changes and watches configuration files', async () => {
    const methods = await client.waitFor(() => (client.registrations.length >= 2 ? client.registrations.map((r) => r.method) : undefined), 'registrations');
    assert.ok(methods.includes('workspace/didChangeConfiguration'));
    const watch = client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.deepEqual(watch?.registerOptions, { watchers: [{ globPattern: '**/safe-migrations.config.json' }] });
  });

  it('publishes diagnostics on open: rule code, UTF-16 range, severity, doc link, safe alternative', async () => {
    const doc = uri('open.sql');
    await client.open(doc, HAZARDS);
    const published = await client.diagnosticsFor(doc, 1);
    const [index] = byCode(published, 'create-index-concurrently');
    assert.ok(index, `no create-index-concurrently in ${JSON.stringify(published.diagnostics)}`);
    assert.deepEqual(index.range, INDEX_RANGE);
    assert.equal(index.severity, DiagnosticSeverity.Warning);
    assert.equal(index.source, 'safe-migrations');
    assert.match(text(index), /SHARE lock on users/);
    assert.match(text(index), /\nUse CREATE INDEX CONCURRENTLY/, 'the safe alternative follows the message');
    const href = index.codeDescription?.href ?? '';
    assert.match(href, /^file:.*\/docs\/rules\/create-index-concurrently\.md$/);
    assert.ok(existsSync(fileURLToPath(href)), `${href} does not exist`);
    assert.ok(client.configurationScopes.includes(doc), 'settings are pulled for the document');
  });

  it('publishes for the newest version only when changes come fast', async () => {
    const doc = uri('typing.sql');
    await client.open(doc, HAZARDS);
    await client.diagnosticsFor(doc, 1);
    const at = { line: 1, character: 52 }; // just after "CREATE INDEX "
    const insert = { range: { start: at, end: at }, text: 'CONCURRENTLY ' };
    const remove = { range: { start: at, end: { line: 1, character: 65 } }, text: '' };
    for (let version = 2; version <= 6; version++) await client.change(doc, version, [version % 2 === 0 ? insert : remove]);
    await client.diagnosticsFor(doc, 6);
    await sleep(300); // longer than the debounce window: anything stale would have arrived by now
    const versions = client.published.filter((p) => p.uri === doc).map((p) => p.version!);
    assert.equal(versions[versions.length - 1], 6, `published versions ${versions}`);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published out of order: ${versions}`);
    for (const p of client.published.filter((q) => q.uri === doc)) {
      // Odd versions lack CONCURRENTLY: each publication must describe the text of its own version.
      assert.equal(byCode(p, 'create-index-concurrently').length, p.version! % 2, `version ${p.version}`);
    }
  });

  it('hovers a flagged range with the finding and the rule page', async () => {
    const doc = uri('hover.sql');
    await client.open(doc, HAZARDS);
    await client.diagnosticsFor(doc, 1);
    const hover = await client.hover(doc, { line: 1, character: 45 });
    const markdown = (hover?.contents as MarkupContent).value;
    assert.equal((hover?.contents as MarkupContent).kind, 'markdown');
    assert.match(markdown, /\*\*create-index-concurrently\*\* · warning/);
    assert.match(markdown, /SHARE lock on users/);
    assert.match(markdown, /\*\*Instead:\*\* Use CREATE INDEX CONCURRENTLY/);
    assert.match(markdown, /## Safe alternative/, 'the rule page follows the finding');
    assert.deepEqual(hover?.range, INDEX_RANGE);
    assert.equal(await client.hover(doc, { line: 0, character: 3 }), null, 'no hover on an unflagged comment');
  });

  it('hovers the text of the current version, even before its diagnostics', async () => {
    const doc = uri('hover-edit.sql');
    await client.open(doc, HAZARDS);
    await client.diagnosticsFor(doc, 1);
    await client.change(doc, 2, [{ range: { start: { line: 1, character: 52 }, end: { line: 1, character: 52 } }, text: 'CONCURRENTLY ' }]);
    const hover = await client.hover(doc, { line: 1, character: 45 });
    assert.doesNotMatch(hover ? (hover.contents as MarkupContent).value : '', /create-index-concurrently/, 'the index is concurrent in version 2');
  });

  it('hovers a rule id in an ignore directive with its page', async () => {
    const doc = uri('directive.sql');
    await client.open(doc, '-- safe-migrations-ignore create-index-concurrently\nCREATE INDEX i ON users (email);\n');
    const published = await client.diagnosticsFor(doc, 1);
    assert.equal(byCode(published, 'create-index-concurrently').length, 0, 'the directive suppresses the finding');
    const hover = await client.hover(doc, { line: 0, character: 30 });
    assert.match((hover?.contents as MarkupContent).value, /## Problem/);
    assert.deepEqual(hover?.range, { start: { line: 0, character: 26 }, end: { line: 0, character: 51 } });
  });

  it('offers a finding\'s fixes as quick fixes; the applied fix clears the finding', async () => {
    const doc = uri('quick-fix.sql');
    await client.open(doc, HAZARDS);
    const published = await client.diagnosticsFor(doc, 1);
    const [timeout] = byCode(published, 'lock-timeout');
    assert.ok(timeout?.data, `lock-timeout with fix data in ${JSON.stringify(published.diagnostics)}`);
    const actions = (await client.codeActions(doc, timeout.range, { diagnostics: [timeout] })) as CodeAction[];
    const fix = actions.find((a) => a.kind === 'quickfix' && a.edit);
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.isPreferred, true, 'an autofix is the preferred fix');
    assert.deepEqual(fix.diagnostics, [timeout]);
    const edits = fix.edit!.changes![doc];
    const fixed = TextDocument.applyEdits(TextDocument.create(doc, 'sql', 1, HAZARDS), edits);
    assert.match(fixed, /SET lock_timeout/);
    await client.change(doc, 2, [{ text: fixed }]);
    const after = await client.diagnosticsFor(doc, 2);
    assert.equal(byCode(after, 'lock-timeout').length, 0, JSON.stringify(after.diagnostics));
    assert.equal(byCode(after, 'create-index-concurrently').length, 1, 'other findings stay');

    await client.change(doc, 3, [{ text: HAZARDS }]);
    await assert.rejects(client.codeActions(doc, timeout.range, { diagnostics: [timeout] }), (e: { code?: number }) => e.code === -32801, 'fixes for version 1 are refused in version 3');
  });

  it('applies autofixes, and only them, with fix-all', async () => {
    const doc = uri('fix-all.sql');
    settings = { rules: { 'prefer-text': 'warning' } };
    await client.configurationChanged();
    const text = 'CREATE INDEX a_idx ON users (email);\nALTER TABLE users ADD COLUMN name varchar(40);\n';
    await client.open(doc, text);
    const published = await client.diagnosticsFor(doc, 1);
    assert.ok(byCode(published, 'prefer-text').length === 1 && byCode(published, 'lock-timeout').length === 1, JSON.stringify(published.diagnostics));
    const whole = { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } };
    const actions = (await client.codeActions(doc, whole, { diagnostics: [], only: ['source.fixAll'] })) as CodeAction[];
    assert.equal(actions.length, 1, JSON.stringify(actions));
    assert.equal(actions[0].kind, 'source.fixAll.safeMigrations');
    const fixed = TextDocument.applyEdits(TextDocument.create(doc, 'sql', 1, text), actions[0].edit!.changes![doc]);
    assert.match(fixed, /^SET lock_timeout/);
    assert.match(fixed, /varchar\(40\)/, 'the prefer-text suggestion is not part of fix-all');
    settings = {};
    await client.configurationChanged();
  });

  it('fix-all never applies two clashing fixes to one statement', async () => {
    const doc = uri('fix-all-clash.sql');
    settings = { rules: { 'idempotent-ddl': 'warning' } };
    await client.configurationChanged();
    const text = 'CREATE INDEX a_idx ON users (email);\n';
    await client.open(doc, text);
    const published = await client.diagnosticsFor(doc, 1);
    assert.equal(byCode(published, 'idempotent-ddl').length, 1, JSON.stringify(published.diagnostics));
    const whole = { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } };
    const actions = (await client.codeActions(doc, whole, { diagnostics: [], only: ['source.fixAll'] })) as CodeAction[];
    const fixed = TextDocument.applyEdits(TextDocument.create(doc, 'sql', 1, text), actions[0].edit!.changes![doc]);
    assert.equal(fixed.match(/IF NOT EXISTS/g)?.length ?? 0, 1, fixed);
    assert.match(fixed, /^SET lock_timeout/);
    settings = {};
    await client.configurationChanged();
  });

  it('pulls postgresVersion per document and re-lints on didChangeConfiguration', async () => {
    const doc = uri('versions.sql');
    settings = { postgresVersion: '10' };
    await client.open(doc, HAZARDS + 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i2 ON users (x);\n');
    const on10 = await client.diagnosticsFor(doc, 1);
    assert.equal(byCode(on10, 'add-column-volatile-default').length, 1, 'ADD COLUMN … DEFAULT now() rewrites the table before PostgreSQL 11');

    const before14 = client.published.length;
    settings = { postgresVersion: '14.2' };
    await client.configurationChanged();
    const on14 = await client.waitFor(() => publishedSince(client, doc, before14), 'diagnostics after the settings change');
    assert.equal(on14.version, 1);
    assert.equal(byCode(on14, 'add-column-volatile-default').length, 0, 'PostgreSQL 11+ stores a constant default');
    assert.ok(byCode(on14, 'create-index-concurrently').some((d) => text(d).includes('14.2 can silently corrupt')), 'CONCURRENTLY is broken on 14.2');

    const before16 = client.published.length;
    settings = { postgresVersion: '16' };
    await client.configurationChanged();
    const on16 = await client.waitFor(() => publishedSince(client, doc, before16), 'diagnostics after the second settings change');
    assert.ok(!byCode(on16, 'create-index-concurrently').some((d) => text(d).includes('corrupt')), 'fixed in 14.4');
    assert.equal(byCode(on16, 'create-index-concurrently').length, 1, 'the plain CREATE INDEX is still flagged');
    settings = {};
    await client.configurationChanged();
  });

  it('keeps linting with defaults when settings values are invalid, and says which', async () => {
    const doc = uri('bad-settings.sql');
    settings = { postgresVersion: 'banana', rules: { 'no-such-rule': 'off', 'create-index-concurrently': 'loud' }, lint: { debounceMs: 'soon' }, assumeInTransaction: 'yes' };
    await client.configurationChanged();
    await client.open(doc, HAZARDS);
    const published = await client.diagnosticsFor(doc, 1);
    const [note] = byCode(published, 'invalid-settings');
    assert.ok(note, JSON.stringify(published.diagnostics));
    assert.equal(note.range.start.line, 0);
    for (const key of ['postgresVersion', 'unknown rule "no-such-rule"', 'rules.create-index-concurrently', 'lint.debounceMs', 'assumeInTransaction']) {
      assert.ok(text(note).includes(key), `"${key}" missing from: ${text(note)}`);
    }
    assert.equal(byCode(published, 'create-index-concurrently')[0]?.severity, DiagnosticSeverity.Warning, 'the default severity applies');
    settings = {};
    await client.configurationChanged();
  });

  it('applies safe-migrations.config.json, lets settings override it, and follows its changes', async () => {
    const project = join(folder, 'project');
    const nested = join(project, 'db', 'migrations');
    mkdirSync(nested, { recursive: true });
    const configPath = join(project, 'safe-migrations.config.json');
    writeFileSync(configPath, JSON.stringify({ postgresVersion: '10', rules: { 'create-index-concurrently': 'error' } }));
    const doc = pathToFileURL(join(nested, 'V1__users.sql')).href;
    await client.open(doc, HAZARDS);
    const fromFile = await client.diagnosticsFor(doc, 1);
    assert.equal(byCode(fromFile, 'create-index-concurrently')[0]?.severity, DiagnosticSeverity.Error, 'severity from the file');
    assert.equal(byCode(fromFile, 'add-column-volatile-default').length, 1, 'postgresVersion 10 from the file');

    let mark = client.published.length;
    settings = { rules: { 'create-index-concurrently': 'off' } };
    await client.configurationChanged();
    const overridden = await client.waitFor(() => publishedSince(client, doc, mark), 'diagnostics after the settings change');
    assert.equal(byCode(overridden, 'create-index-concurrently').length, 0, 'the setting turns the rule off');
    assert.equal(byCode(overridden, 'add-column-volatile-default').length, 1, 'unset settings leave the file in force');

    mark = client.published.length;
    settings = {};
    await client.configurationChanged();
    await client.waitFor(() => publishedSince(client, doc, mark), 'diagnostics after the settings reset');
    mark = client.published.length;
    writeFileSync(configPath, '{ "postgresVersion": 16, oops }');
    await client.watchedFilesChanged([{ uri: pathToFileURL(configPath).href, type: FileChangeType.Changed }]);
    const broken = await client.waitFor(() => publishedSince(client, doc, mark), 'diagnostics after the file changed');
    const notes = byCode(broken, 'invalid-config');
    assert.equal(notes.length, 1, JSON.stringify(broken.diagnostics));
    assert.deepEqual(notes[0].range.start, { line: 0, character: 0 });
    assert.ok(text(notes[0]).includes(configPath) && text(notes[0]).includes('not valid JSON'), text(notes[0]));
    assert.equal(notes[0].codeDescription?.href, pathToFileURL(configPath).href, 'the note links to the file');
    assert.equal(byCode(broken, 'create-index-concurrently')[0]?.severity, DiagnosticSeverity.Warning, 'linting goes on with defaults');
    const logged = await client.waitFor(
      () => (client.notifications.some((n) => n.method === 'window/logMessage' && JSON.stringify(n.params).includes('not valid JSON')) ? true : undefined),
      'a log line about the broken file',
    );
    assert.ok(logged);
  });

  it('survives binary content and reports it as unreadable', async () => {
    const doc = uri('binary.sql');
    await client.open(doc, 'PK\u0003\u0004\u0000\u0000\u0008\u0000\u0000\u0000\uFFFD\uFFFD\u0000binary');
    const published = await client.diagnosticsFor(doc, 1);
    assert.equal(byCode(published, 'unreadable-file').length, 1, JSON.stringify(published.diagnostics));
    const hover = await client.hover(doc, { line: 0, character: 1 });
    assert.match((hover?.contents as MarkupContent).value, /\*\*unreadable-file\*\*/);
  });

  it('lints a 5 MB file on open and save only, and stays responsive', async () => {
    const doc = uri('huge.sql');
    const text = `CREATE INDEX big_idx ON users (email);\n${syntheticMigration(52_000)}`;
    assert.ok(text.length > 5_000_000);
    const onFirstLine = (p: Published) => p.diagnostics.filter((d) => d.code === 'create-index-concurrently' && d.range.start.line === 0);
    const started = performance.now();
    await client.open(doc, text);
    const published = await client.diagnosticsFor(doc, 1, 120_000);
    console.log(`5 MB file (${text.length} characters, 52,001 statements): first diagnostics after ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(byCode(published, 'large-file')[0]?.severity, DiagnosticSeverity.Information);
    assert.equal(onFirstLine(published).length, 1);

    await client.change(doc, 2, [{ range: { start: { line: 0, character: 13 }, end: { line: 0, character: 13 } }, text: 'CONCURRENTLY ' }]);
    const small = uri('small-while-huge.sql');
    await client.open(small, HAZARDS);
    await client.diagnosticsFor(small, 1);
    assert.equal(client.published.some((p) => p.uri === doc && p.version === 2), false, 'not linted on change');
    const saving = performance.now();
    await client.save(doc);
    const saved = await client.diagnosticsFor(doc, 2, 120_000);
    console.log(`5 MB file: diagnostics ${(performance.now() - saving).toFixed(0)} ms after save`);
    assert.equal(onFirstLine(saved).length, 0, 'linted on save');
    await client.close(doc);
  });

  it('clears diagnostics when a document closes', async () => {
    const doc = uri('open.sql');
    const mark = client.published.length;
    await client.close(doc);
    const cleared = await client.waitFor(() => publishedSince(client, doc, mark), 'cleared diagnostics');
    assert.deepEqual(cleared.diagnostics, []);
  });

  it('shuts down and exits with code 0', async () => {
    assert.equal(await client.stop(), 0);
    assert.doesNotMatch(client.stderr, /Error|exception/i);
  });
});

describe('safe-migrations lsp --stdio (the CLI entry)', () => {
  it('serves the same diagnostics and exits cleanly', async () => {
    const client = await LspTestClient.start({ command: ['dist/cli.js', 'lsp', '--stdio'] });
    try {
      await client.open('untitled:Untitled-1', HAZARDS);
      const published = await client.diagnosticsFor('untitled:Untitled-1', 1);
      assert.deepEqual(byCode(published, 'create-index-concurrently')[0]?.range, INDEX_RANGE);
      assert.equal(await client.stop(), 0);
    } finally {
      if (client.child.exitCode === null) client.child.kill();
    }
  });
});
