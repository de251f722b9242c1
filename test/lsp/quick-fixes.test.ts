/**
 * Autofixes through the real language server: for each flagged case, ask for the code actions at the
 * diagnostic, apply the preferred quick fix's WorkspaceEdit as an editor would, send the new text, and
 * check that the finding is gone, the text parses and no other finding appeared.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspTestClient, type Published } from './harness';

interface QuickFixCase {
  rule: string;
  sql: string;
  /** The text after the preferred fix of the rule's (first) diagnostic. */
  fixed: string;
}

const TIMEOUT = "SET lock_timeout = '2s';\n";

const CASES: QuickFixCase[] = [
  { rule: 'lock-timeout', sql: 'ALTER TABLE users ADD COLUMN c int;\n', fixed: `${TIMEOUT}ALTER TABLE users ADD COLUMN c int;\n` },
  {
    rule: 'create-index-concurrently',
    sql: `${TIMEOUT}CREATE INDEX idx_users_email ON users (email);\n`,
    fixed: `${TIMEOUT}CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);\n`,
  },
  { rule: 'drop-index-concurrently', sql: `${TIMEOUT}DROP INDEX idx_users_email;\n`, fixed: `${TIMEOUT}DROP INDEX CONCURRENTLY IF EXISTS idx_users_email;\n` },
  {
    rule: 'constraint-not-valid',
    sql: `${TIMEOUT}ALTER TABLE orders\n  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;\n`,
    fixed: `${TIMEOUT}ALTER TABLE orders\n  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;\n`,
  },
  { rule: 'json-column', sql: `${TIMEOUT}ALTER TABLE events ADD COLUMN payload json;\n`, fixed: `${TIMEOUT}ALTER TABLE events ADD COLUMN payload jsonb;\n` },
  {
    rule: 'multiple-alter-table',
    sql: `${TIMEOUT}ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b text;\n`,
    fixed: `${TIMEOUT}ALTER TABLE users ADD COLUMN a int, ADD COLUMN b text;\n`,
  },
];

/** How many diagnostics of each rule a publication holds. */
function countByRule(published: Published): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of published.diagnostics) counts.set(String(d.code), (counts.get(String(d.code)) ?? 0) + 1);
  return counts;
}

describe('quick fixes through the language server', () => {
  const folder = mkdtempSync(join(tmpdir(), 'safe-migrations-quick-fixes-'));
  let client: LspTestClient;

  before(async () => {
    client = await LspTestClient.start({ settings: () => ({}) });
  });
  after(() => {
    if (client && client.child.exitCode === null) client.child.kill();
    rmSync(folder, { recursive: true, force: true });
  });

  CASES.forEach((c, n) => {
    it(`${c.rule}: the preferred quick fix clears the finding`, async () => {
      const uri = pathToFileURL(join(folder, `case-${n}.sql`)).href;
      await client.open(uri, c.sql);
      const before = await client.diagnosticsFor(uri, 1);
      const flagged: Diagnostic | undefined = before.diagnostics.find((d) => d.code === c.rule);
      assert.ok(flagged, `${c.rule} not reported: ${JSON.stringify(before.diagnostics)}`);

      const actions = (await client.codeActions(uri, flagged.range, { diagnostics: [flagged], only: [CodeActionKind.QuickFix] })) as CodeAction[];
      const preferred = actions.filter((a) => a.isPreferred);
      assert.equal(preferred.length, 1, `one preferred action: ${JSON.stringify(actions)}`);
      const edits = preferred[0].edit?.changes?.[uri];
      assert.ok(edits && edits.length > 0, 'the preferred action edits the document');
      const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'sql', 1, c.sql), edits);
      assert.equal(fixed, c.fixed);

      await client.change(uri, 2, [{ text: fixed }]);
      const afterFix = await client.diagnosticsFor(uri, 2);
      const counts = countByRule(afterFix);
      assert.equal(counts.get(c.rule) ?? 0, (countByRule(before).get(c.rule) ?? 0) - 1, `the ${c.rule} finding is gone`);
      assert.equal(counts.get('syntax-error') ?? 0, 0, 'the fixed text parses');
      for (const [rule, count] of counts) {
        assert.ok(count <= (countByRule(before).get(rule) ?? 0), `the fix brought a new ${rule} finding: ${JSON.stringify(afterFix.diagnostics)}`);
      }
      await client.close(uri);
    });
  });

  it('offers no CONCURRENTLY autofix inside a transaction (it would fail there)', async () => {
    const uri = pathToFileURL(join(folder, 'in-transaction.sql')).href;
    await client.open(uri, `${TIMEOUT}BEGIN;\nCREATE INDEX idx_users_email ON users (email);\nCOMMIT;\n`);
    const published = await client.diagnosticsFor(uri, 1);
    const flagged = published.diagnostics.find((d) => d.code === 'create-index-concurrently');
    assert.ok(flagged, JSON.stringify(published.diagnostics));
    const actions = (await client.codeActions(uri, flagged.range, { diagnostics: [flagged], only: [CodeActionKind.QuickFix] })) as CodeAction[];
    assert.deepEqual(actions.filter((a) => a.isPreferred).map((a) => a.title), []);
    await client.close(uri);
  });
});
