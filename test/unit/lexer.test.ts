/**
 * The engine's tokenizer must agree with PostgreSQL's own scanner (libpg-query's scanSync): same token
 * boundaries, same token kinds, same keyword classification, on every statement of the real-world
 * corpus and on the tricky cases of scan.l.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tokenize } from '../../server/src/engine/dialects/postgres/lexer';
import { scanPostgres, type Token } from '../../server/src/engine/dialects/postgres/parser';
import { splitStatements } from '../../server/src/engine/dialects/postgres/split';
import { loadPostgresParser } from '../../server/src/engine/index';

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'postgres');

// libpg-query names a few token kinds (BCONST, XCONST, USCONST, UIDENT) UNKNOWN: compare only their bounds.
const show = (tokens: Token[], reference?: Token[]): string[] =>
  tokens.map((t, i) => `${t.start}-${t.end} ${reference?.[i]?.name === 'UNKNOWN' && !reference[i].isKeyword ? 'UNKNOWN' : t.name}${t.isKeyword ? ' kw' : ''}`);

function sqlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sqlFiles(path, out);
    else if (name.endsWith('.sql')) out.push(path);
  }
  return out;
}

describe('tokenizer', () => {
  before(() => loadPostgresParser());

  const cases = [
    "SELECT 'it''s', E'a\\'b', N'x', B'101', X'ff', U&'d\\0061t', U&\"d\\0061t\"",
    "SELECT 'a'\n  'continued', 'a' 'not continued'",
    'SELECT $$a;b$$, $fn$ body $fn$, $1, a$b, 1..10, 1.5e-3, .5, 0x1F, 1_000_000, 3.',
    'SELECT a::int, b := 1, c => 2, d <= e, f >= g, h <> i, j != k, l || m, n @> o, p-1, q+-1, r*-1, s !~~* t',
    'SELECT 1 /* nested /* comment */ still */ + 2 -- trailing\n, "Quoted ""Name""", café, ünïcode_идент',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t USING gin (data jsonb_path_ops) WHERE a->>b = $tag$x$tag$',
  ];
  for (const sql of cases) {
    it(`matches the scanner: ${sql.slice(0, 60)}`, () => {
      const expected = scanPostgres(sql);
      assert.ok(expected, 'the scanner accepts the case');
      assert.deepEqual(show(tokenize(sql), expected), show(expected));
    });
  }

  it('matches the scanner on every statement of the corpus', () => {
    let statements = 0;
    for (const file of sqlFiles(corpus)) {
      const text = readFileSync(file, 'utf8');
      for (const chunk of splitStatements(text).chunks) {
        if (chunk.kind !== 'sql') continue;
        const sql = text.slice(chunk.start, chunk.end);
        const expected = scanPostgres(sql);
        if (!expected) continue; // the scanner rejects it (unterminated quote): nothing to compare
        statements++;
        const actual = tokenize(sql);
        if (actual.length !== expected.length || show(actual, expected).join() !== show(expected).join()) {
          assert.deepEqual(show(actual, expected), show(expected), `${file}: ${sql.slice(0, 200)}`);
        }
      }
    }
    assert.ok(statements > 10000, `compared ${statements} statements`);
  });
});
