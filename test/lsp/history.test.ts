/**
 * Migration histories in the language server, over stdio with a real client: the workspace's
 * histories are found and indexed (with progress), a late migration is linted against the schema the
 * earlier ones built, an unsaved edit of an early migration changes a later one's diagnostics, files
 * changed on disk are followed, and a hover on a name shows what the model knows about it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { ClientCapabilities, MarkupContent } from 'vscode-languageserver-protocol/node';
import { writeFiles } from '../cli/helpers';
import { LspTestClient, type Published } from './harness';

const CAPABILITIES: ClientCapabilities = {
  window: { workDoneProgress: true },
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceFolders: true },
  textDocument: { publishDiagnostics: { versionSupport: true }, hover: { contentFormat: ['markdown'] } },
};

const V1 = 'CREATE TABLE invoices (\n  id bigint PRIMARY KEY,\n  amount integer NOT NULL DEFAULT 0\n);\n';
const V5 = '-- Wider amounts for large customers.\nALTER TABLE invoices ALTER COLUMN amount TYPE bigint;\n';

describe('migration histories in the language server', () => {
  const root = mkdtempSync(join(tmpdir(), 'safe-migrations-lsp-history-'));
  const shop = join(root, 'shop');
  const other = join(root, 'other');
  const file = (folder: string, name: string) => pathToFileURL(join(folder, name)).href;
  const v1 = file(shop, 'db/migrations/V1__create_invoices.sql');
  const v5 = file(shop, 'db/migrations/V5__widen_amount.sql');
  let client: LspTestClient;
  let initializedAt = 0;

  before(async () => {
    writeFiles(shop, {
      'safe-migrations.config.json': JSON.stringify({ migrations: ['db/migrations'] }),
      'db/migrations/V1__create_invoices.sql': V1,
      'db/migrations/V2__seed.sql': "INSERT INTO invoices (id, amount) VALUES (1, 10);\n",
      'db/migrations/V3__add_note.sql': "SET lock_timeout = '2s';\nALTER TABLE invoices ADD COLUMN note text;\n",
      'db/migrations/V5__widen_amount.sql': V5,
      // Not listed in the configuration: never indexed.
      'scratch/V1__create_invoices.sql': 'CREATE TABLE invoices (id bigint, amount numeric);\n',
    });
    // No configuration file: its history is found by the names of its files (golang-migrate).
    writeFiles(other, {
      'migrations/000001_create_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100));\n',
      'migrations/000001_create_users.down.sql': 'DROP TABLE users;\n',
      'migrations/000002_widen_name.up.sql': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);\n',
      'migrations/000002_widen_name.down.sql': 'ALTER TABLE users ALTER COLUMN name TYPE varchar(100);\n',
      'node_modules/some-package/migrations/V1__x.sql': 'CREATE TABLE x (id int);\n',
    });
    initializedAt = performance.now();
    client = await LspTestClient.start({
      settings: () => ({}),
      capabilities: CAPABILITIES,
      workspaceFolders: [
        { uri: pathToFileURL(shop).href, name: 'shop' },
        { uri: pathToFileURL(other).href, name: 'other' },
      ],
    });
  });

  after(async () => {
    if (client) await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const progress = () => client.notifications.filter((n) => n.method === '$/progress').map((n) => (n.params as { value: { kind: string; title?: string; message?: string } }).value);
  const rule = (p: Published, id: string) => p.diagnostics.find((d) => d.code === id);
  /** The message of the rule's diagnostic, or '' (messages are plain strings from this server). */
  const message = (p: Published, id: string) => {
    const m = rule(p, id)?.message ?? '';
    return typeof m === 'string' ? m : m.value;
  };

  it('indexes the workspace histories with progress: Indexing migrations…, n of m', async () => {
    await client.waitFor(() => progress().find((v) => v.kind === 'end'), 'the end of the indexing progress');
    const values = progress();
    assert.equal(values[0].kind, 'begin');
    assert.equal(values[0].title, 'Indexing migrations…');
    const reports = values.filter((v) => v.kind === 'report').map((v) => v.message);
    // Histories with an open document go first; none is open yet, so they come in path order.
    assert.deepEqual(reports, ['1 of 2: other/migrations', '2 of 2: shop/db/migrations']);
    const log = client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message).join('\n');
    assert.match(log, /Indexed 2 migration histories \(6 migrations\) in \d+ ms: other\/migrations, shop\/db\/migrations/);
    console.log(`indexing finished ${Math.round(performance.now() - initializedAt)} ms after the server was started`);
  });

  it('registers watchers for migration files and the files that shape a history', async () => {
    const watched = await client.waitFor(
      () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles' && JSON.stringify(r.registerOptions).includes('*.sql')),
      'a watcher for **/*.sql',
    );
    assert.match(JSON.stringify(watched.registerOptions), /\*\*\/\*\.sql\.conf/);
  });

  it('lints a late migration against the schema the early ones built', async () => {
    await client.open(v5, V5);
    const published = await client.diagnosticsFor(v5, 1);
    assert.ok(rule(published, 'alter-column-type'), JSON.stringify(published.diagnostics));
    assert.match(message(published, 'alter-column-type'), /Changing invoices\.amount from integer to bigint rewrites invoices/);
    // The same file outside any history knows nothing of the column.
    const alone = file(root, 'alone/V5__widen_amount.sql');
    await client.open(alone, V5);
    assert.match(message(await client.diagnosticsFor(alone, 1), 'alter-column-type'), /old type of invoices\.amount is unknown/);
    await client.close(alone);
  });

  it('re-lints an open later migration when an earlier one is edited in its buffer, and again when that buffer closes', async () => {
    await client.open(v1, V1);
    await client.diagnosticsFor(v1, 1);
    const before = client.published.length;
    const at = V1.split('\n').findIndex((l) => l.includes('amount integer'));
    const column = '  amount '.length;
    await client.change(v1, 2, [{ range: { start: { line: at, character: column }, end: { line: at, character: column + 'integer'.length } }, text: 'numeric(12,2)' }]);
    const changed = await client.waitFor(
      () => client.published.slice(before).find((p) => p.uri === v5 && /from numeric\(12,2\) to bigint/.test(message(p, 'alter-column-type'))),
      'V5 re-linted with the edited V1',
    );
    assert.equal(changed.version, 1, 'V5 itself was not edited');
    const closing = client.published.length;
    await client.close(v1);
    await client.waitFor(
      () => client.published.slice(closing).find((p) => p.uri === v5 && /from integer to bigint/.test(message(p, 'alter-column-type'))),
      'V5 re-linted with V1 as it is on disk',
    );
  });

  it('hovers a column with what the model knows before the statement and the migration that last changed it', async () => {
    const line = V5.split('\n').findIndex((l) => l.startsWith('ALTER TABLE'));
    const character = V5.split('\n')[line].indexOf('amount') + 2;
    const hover = await client.hover(v5, { line, character });
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /\*\*invoices\.amount\*\* · column · before this statement/);
    assert.match(text, /`integer` · NOT NULL · DEFAULT `0`/);
    assert.match(text, /Last changed by \[V1\\_\\_create\\_invoices\.sql\]\(file:\/\/.*\/db\/migrations\/V1__create_invoices\.sql\)/);
    // The hover also covers the finding on the same word: both are shown.
    assert.match(text, /alter-column-type/);
    const range = hover!.range!;
    assert.ok(range.start.line === line && range.start.character <= character && character < range.end.character, JSON.stringify(range));
  });

  it('hovers a table with its columns, constraints and indexes', async () => {
    const line = V5.split('\n').findIndex((l) => l.startsWith('ALTER TABLE'));
    const hover = await client.hover(v5, { line, character: 'ALTER TABLE in'.length });
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /\*\*invoices\*\* · table · before this statement/);
    assert.match(text, /- `note` `text` · nullable/);
    assert.match(text, /PRIMARY KEY \(id\)/);
    assert.match(text, /Last changed by \[V3\\_\\_add\\_note\.sql\]/);
  });

  it('follows a migration changed on disk while it is closed', async () => {
    const before = client.published.length;
    writeFileSync(join(shop, 'db/migrations/V1__create_invoices.sql'), V1.replace('amount integer', 'amount smallint'));
    await client.watchedFilesChanged([{ uri: v1, type: 2 }]);
    await client.waitFor(
      () => client.published.slice(before).find((p) => p.uri === v5 && /from smallint to bigint/.test(message(p, 'alter-column-type'))),
      'V5 re-linted with V1 changed on disk',
    );
  });

  it('follows a migration added on disk', async () => {
    const before = client.published.length;
    writeFileSync(join(shop, 'db/migrations/V4__amount_to_int.sql'), 'ALTER TABLE invoices ALTER COLUMN amount TYPE integer;\n');
    await client.watchedFilesChanged([{ uri: file(shop, 'db/migrations/V4__amount_to_int.sql'), type: 1 }]);
    await client.waitFor(
      () => client.published.slice(before).find((p) => p.uri === v5 && /from integer to bigint/.test(message(p, 'alter-column-type'))),
      'V5 re-linted after V4 appeared',
    );
  });

  it('finds a history by its file names when no configuration lists it, and lints its migrations in order', async () => {
    const up = file(other, 'migrations/000002_widen_name.up.sql');
    await client.open(up, 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);\n');
    const published = await client.diagnosticsFor(up, 1);
    // Widening a varchar is binary compatible: known from 000001, nothing to flag.
    assert.equal(rule(published, 'alter-column-type'), undefined, JSON.stringify(published.diagnostics));
    await client.close(up);
  });

  it('re-lints the newest migration quickly after each edit (target 100 ms)', async () => {
    const times: number[] = [];
    const line = V5.split('\n').findIndex((l) => l.startsWith('ALTER TABLE'));
    for (let version = 2; version <= 12; version++) {
      await new Promise((done) => setTimeout(done, 130)); // past the debounce window: each edit is linted at once
      const sent = performance.now();
      const text = version % 2 === 0 ? 'integer' : 'bigint';
      const start = V5.split('\n')[line].indexOf('bigint');
      const previous = version % 2 === 0 ? 'bigint' : 'integer';
      await client.change(v5, version, [{ range: { start: { line, character: start }, end: { line, character: start + previous.length } }, text }]);
      const published = await client.diagnosticsFor(v5, version);
      times.push(published.at - sent);
      assert.equal(rule(published, 'alter-column-type') !== undefined, version % 2 === 1, `version ${version} describes its own text`);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    console.log(`history re-lint after an edit of the newest migration: median ${median.toFixed(1)} ms over ${times.length} edits`);
    assert.ok(median < 100, `median ${median.toFixed(1)} ms`);
  });
});
