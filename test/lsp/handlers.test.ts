/** The language server's pieces as plain functions: settings, configuration files, diagnostics, hover. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lint, loadPostgresParser, ParseCache, type Finding } from '../../server/src/engine/index';
import { findingToDiagnostic } from '../../server/src/lsp/handlers/diagnostics';
import { escapeMarkdown, hoverForDirective, hoverForFindings } from '../../server/src/lsp/handlers/hover';
import { listRules } from '../../server/src/lsp/handlers/rules';
import { ProjectConfigCache } from '../../server/src/lsp/project-config';
import { RuleDocs } from '../../server/src/lsp/rule-docs';
import { editorLayer, SettingsStore } from '../../server/src/lsp/settings';

const docs = new RuleDocs([join(__dirname, '..', '..', 'server', 'docs', 'rules')]);

describe('editor settings', () => {
  it('turns set values into a configuration layer', () => {
    const layer = editorLayer({ postgresVersion: '14.2', rules: { 'create-index-concurrently': 'error', 'syntax-error': false }, assumeInTransaction: true, lockTimeout: '2s', lint: { debounceMs: 250 } });
    assert.deepEqual(layer.problems, []);
    assert.deepEqual(layer.config, { postgresVersion: '14.2', rules: { 'create-index-concurrently': 'error', 'syntax-error': 'off' }, assumeInTransaction: true, lockTimeout: '2s' });
    assert.equal(layer.debounceMs, 250);
  });

  it('treats unset and cleared values as absent, so the configuration file applies', () => {
    const layer = editorLayer({ postgresVersion: '', lockTimeout: null, rules: {} });
    assert.deepEqual(layer.config, {});
    assert.deepEqual(layer.problems, []);
    assert.equal(layer.debounceMs, 100);
  });

  it('drops each invalid value with a problem naming the setting, keeping the valid ones', () => {
    const layer = editorLayer({ postgresVersion: 8, rules: { nope: 'off', 'create-index-concurrently': 'loud', 'syntax-error': 'hint' }, assumeInTransaction: 1, lint: { debounceMs: -5 } });
    assert.deepEqual(layer.config, { rules: { 'syntax-error': 'hint' } });
    assert.equal(layer.problems.length, 5, layer.problems.join('\n'));
    assert.match(layer.problems.join('\n'), /safeMigrations\.postgresVersion: .*8/);
    assert.match(layer.problems.join('\n'), /safeMigrations\.rules: unknown rule "nope"/);
    assert.match(layer.problems.join('\n'), /safeMigrations\.lint\.debounceMs/);
  });

  it('rejects settings that are not an object', () => {
    assert.match(editorLayer('16').problems[0], /expected an object/);
    assert.match(editorLayer([1]).problems[0], /expected an object/);
  });

  it('pulls settings once per document and again after a change', async () => {
    const asked: string[] = [];
    let version = '10';
    const store = new SettingsStore(async (uri) => {
      asked.push(uri);
      return { postgresVersion: version };
    }, () => undefined);
    assert.equal((await store.get('file:///a.sql')).config.postgresVersion, '10');
    await store.get('file:///a.sql');
    assert.deepEqual(asked, ['file:///a.sql']);
    version = '12';
    store.changed(null);
    assert.equal((await store.get('file:///a.sql')).config.postgresVersion, '12');
    assert.equal(asked.length, 2);
  });

  it('does not keep an answer that arrives after a settings change', async () => {
    let release!: (value: unknown) => void;
    const store = new SettingsStore(() => new Promise((resolve) => (release = resolve)), () => undefined);
    const pending = store.get('file:///b.sql');
    store.changed(null);
    release({ postgresVersion: '10' });
    await pending;
    assert.equal(store.peek('file:///b.sql'), undefined, 'the outdated answer was not cached');
  });

  it('uses pushed settings when the client cannot be asked', async () => {
    const store = new SettingsStore(undefined, () => undefined);
    store.changed({ safeMigrations: { postgresVersion: '11' } });
    assert.equal((await store.get('file:///c.sql')).config.postgresVersion, '11');
  });

  it('survives a failing workspace/configuration request', async () => {
    const logged: string[] = [];
    const store = new SettingsStore(() => Promise.reject(new Error('no such method')), (m) => logged.push(m));
    assert.deepEqual((await store.get('file:///d.sql')).config, {});
    assert.match(logged[0], /no such method/);
  });
});

describe('configuration files', () => {
  const folder = mkdtempSync(join(tmpdir(), 'safe-migrations-config-'));
  const file = join(folder, 'safe-migrations.config.json');
  const migration = pathToFileURL(join(folder, 'db', 'V1__a.sql')).href;
  before(() => mkdirSync(join(folder, 'db')));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('reads the nearest file on each lint until the client watches files', () => {
    const cache = new ProjectConfigCache(() => undefined);
    writeFileSync(file, '{"postgresVersion": 12}');
    assert.deepEqual(cache.forUri(migration).config, { postgresVersion: 12 });
    writeFileSync(file, '{"postgresVersion": 13}');
    assert.deepEqual(cache.forUri(migration).config, { postgresVersion: 13 });
  });

  it('keeps results while watching, until told that a file changed', () => {
    const cache = new ProjectConfigCache(() => undefined);
    cache.enableCaching();
    writeFileSync(file, '{"postgresVersion": 12}');
    assert.equal(cache.forUri(migration).path, file);
    writeFileSync(file, '{"postgresVersion": 14}');
    assert.deepEqual(cache.forUri(migration).config, { postgresVersion: 12 });
    cache.invalidate();
    assert.deepEqual(cache.forUri(migration).config, { postgresVersion: 14 });
  });

  it('reports an invalid file with its path, and logs it once', () => {
    const logged: string[] = [];
    const cache = new ProjectConfigCache((m) => logged.push(m));
    writeFileSync(file, '{"rules": {"create-index-concurrently": "sometimes"}}');
    const outcome = cache.forUri(migration);
    cache.forUri(migration);
    assert.equal(outcome.config, undefined);
    assert.match(outcome.error!, /safe-migrations\.config\.json: rule "create-index-concurrently" must be/);
    assert.equal(logged.length, 1);
  });

  it('has nothing to say about documents that are not files', () => {
    assert.deepEqual(new ProjectConfigCache(() => undefined).forUri('untitled:Untitled-1'), {});
  });
});

describe('diagnostics and hovers', () => {
  before(() => loadPostgresParser());
  const sql = 'SELECT 1;\nCREATE INDEX idx_a_b ON my_table (b);\n';
  const doc = TextDocument.create('file:///x.sql', 'sql', 1, sql);
  const finding = (): Finding => lint(sql).findings.find((f) => f.rule === 'create-index-concurrently')!;

  it('maps a finding to a diagnostic with code, link, severity and the safe alternative', () => {
    const d = findingToDiagnostic(finding(), doc, docs);
    assert.equal(d.code, 'create-index-concurrently');
    assert.equal(d.severity, 2);
    assert.equal(d.source, 'safe-migrations');
    assert.deepEqual(d.range.start, { line: 1, character: 0 });
    assert.match(d.codeDescription!.href, /\/server\/docs\/rules\/create-index-concurrently\.md$/);
    assert.equal(d.message, `${finding().message}\n${finding().help}`);
  });

  it('leaves out the link when a rule has no page', () => {
    const d = findingToDiagnostic({ ...finding(), rule: 'not-a-documented-rule', severity: 'hint' }, doc, docs);
    assert.equal(d.codeDescription, undefined);
    assert.equal(d.severity, 4);
  });

  it('hovers only inside a finding, escaping names that look like markdown', () => {
    const f = finding();
    const inside = hoverForFindings([f], f.range.start + 2, doc, docs);
    assert.match((inside!.contents as { value: string }).value, /my\\_table/);
    assert.equal(hoverForFindings([f], f.range.end, doc, docs), null, 'ranges are half-open');
    assert.equal(hoverForFindings([f], 0, doc, docs), null);
  });

  it('hovers a rule id in a directive, not the directive keyword', () => {
    const text = '-- safe-migrations-ignore syntax-error, create-index-concurrently\nSELECT 1;\n';
    const d = TextDocument.create('file:///y.sql', 'sql', 1, text);
    const onSecond = hoverForDirective(d, { line: 0, character: 45 }, docs);
    assert.deepEqual(onSecond?.range, { start: { line: 0, character: 40 }, end: { line: 0, character: 65 } });
    assert.match((onSecond!.contents as { value: string }).value, /## Safe alternative/);
    assert.equal(hoverForDirective(d, { line: 0, character: 10 }, docs), null);
    assert.equal(hoverForDirective(d, { line: 1, character: 2 }, docs), null);
  });

  it('escapes markdown in messages', () => {
    assert.equal(escapeMarkdown('a_b *c* `d` <e>'), 'a\\_b \\*c\\* \\`d\\` \\<e\\>');
  });

  it('lists every rule with its page when it has one', () => {
    const rules = listRules(docs);
    const index = rules.find((r) => r.id === 'create-index-concurrently');
    assert.equal(index?.category, 'locking');
    assert.match(index?.docUri ?? '', /^file:.*create-index-concurrently\.md$/);
    assert.ok(rules.some((r) => r.id === 'syntax-error'));
  });
});

describe('parse cache sweeping', () => {
  before(() => loadPostgresParser());

  it('keeps the statements of the last lint and forgets older ones', () => {
    const cache = new ParseCache(1000, { sweep: true });
    lint('SELECT 1;\nSELECT 2;\n', { cache });
    cache.sweep();
    const kept = cache.parse('SELECT 1;');
    lint('SELECT 1;\nSELECT 3;\n', { cache });
    cache.sweep();
    assert.equal(cache.parse('SELECT 1;'), kept, 'still cached');
    const before = cache.parse('SELECT 3;');
    cache.sweep(); // only SELECT 1 and SELECT 3 were asked for since the last sweep
    cache.sweep(); // nothing was asked for: everything goes
    assert.notEqual(cache.parse('SELECT 3;'), before, 'parsed again after being swept');
  });

  it('refuses to sweep a cache that does not track use', () => {
    assert.throws(() => new ParseCache().sweep(), /sweep: true/);
  });
});
