/**
 * Without a parse cache (the CLI), runs of statements are parsed with one parser call each; with one
 * (the editor), statement by statement. Both must read every file of the corpus, and the awkward
 * inputs below, into exactly the same statements: kinds, ranges, errors, tokens, and every parse-tree
 * location converted to the same file offset.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { walk } from '../../server/src/engine/dialects/postgres/ast';
import { loadPostgresParser } from '../../server/src/engine/dialects/postgres/parser';
import { ParseCache, parseFile, type ParsedFile } from '../../server/src/engine/dialects/postgres/statement';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'postgres');

function sqlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? sqlFiles(path) : name.endsWith('.sql') ? [path] : [];
    });
}

/** Everything a rule can read of the statements, with locations as file offsets. */
function observable(file: ParsedFile): unknown[] {
  return file.statements.map((s) => {
    const offsets: number[] = [];
    walk(s.node, (_kind, payload) => {
      const location = (payload as { location?: number }).location;
      if (typeof location === 'number') offsets.push(s.offsetOf(location));
    });
    return { index: s.index, kind: s.kind, range: s.range, error: s.error, text: s.text, tokens: s.tokens().map((t) => [t.name, t.start, t.end]), offsets };
  });
}

const AWKWARD: Record<string, string> = {
  'a syntax error among good statements': 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;\nCREATE INDEX i ON a (id);\nSELECT 1;',
  'multi-byte text before and inside statements': "COMMENT ON TABLE a IS 'café ☕';\nALTER TABLE \"Bénéfices\" ADD COLUMN \"montant€\" int;\nSELECT '𝄞' AS clef, 1;",
  'comments and empty statements between': 'SELECT 1;;\n-- only a comment\n;\n/* block */ SELECT 2;\n   ;\nSELECT 3 -- no semicolon at the end',
  'a function body with semicolons and a DO block': "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nDO $$ BEGIN PERFORM 1; END $$;\nSELECT 4;",
  'psql meta-commands and COPY data': 'SELECT 1;\n\\set ON_ERROR_STOP on\nCOPY a (id) FROM stdin;\n1\n2\n\\.\nSELECT 2;',
  'an unterminated quote at the end': "SELECT 1;\nSELECT 2;\nSELECT 'open",
};

describe('batched parsing reads files exactly as statement-by-statement parsing', () => {
  before(loadPostgresParser);

  for (const [name, text] of Object.entries(AWKWARD)) {
    it(name, () => {
      const batched = parseFile(text);
      assert.ok(batched.statements.length > 0);
      assert.deepEqual(observable(batched), observable(parseFile(text, new ParseCache())));
    });
  }

  it('every file of the corpus', () => {
    const files = sqlFiles(CORPUS);
    assert.ok(files.length > 1000, `${files.length} corpus files`);
    let statements = 0;
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const batched = parseFile(text);
      statements += batched.statements.length;
      assert.deepEqual(observable(batched), observable(parseFile(text, new ParseCache())), path);
    }
    assert.ok(statements > 10000, `${statements} statements`);
  });
});
