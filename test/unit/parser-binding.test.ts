/**
 * The engine calls libpg-query's WebAssembly module directly (one reused input buffer, native UTF-8
 * encoding and decoding). Whatever the statement, it must give exactly what the package's own API
 * gives: the same parse trees, the same syntax errors and cursors, the same scanner tokens and the
 * same PL/pgSQL trees; including non-ASCII text, statements larger than the reused buffer, and the
 * module's memory growing between calls.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadModule, parsePlPgSQLSync, parseSync, scanSync } from 'libpg-query';
import { codePointToUtf16, parsePlpgsql, parsePostgres, scanPostgres } from '../../server/src/engine/dialects/postgres/parser';
import { loadPostgresParser } from '../../server/src/engine/index';

/** What parsePostgres returned before the direct binding: the package's parseSync, mapped the same way. */
function viaPackage(text: string) {
  try {
    const result = parseSync(text);
    return { ok: true, statements: (result.stmts ?? []).map((s) => ({ node: s.stmt, byteLocation: s.stmt_location ?? 0, byteLength: s.stmt_len })) };
  } catch (error) {
    const details = (error as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails!;
    return { ok: false, message: details.message, offset: codePointToUtf16(text, details.cursorPosition) };
  }
}

const wideColumns = Array.from({ length: 4000 }, (_, i) => `column_${i} text NOT NULL DEFAULT 'värde ${i}'`).join(',\n  ');

const STATEMENTS = [
  'SELECT 1',
  "ALTER TABLE users ADD COLUMN flag boolean DEFAULT false, ALTER COLUMN name SET NOT NULL",
  "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq ON accounts (lower(email)) WHERE deleted_at IS NULL",
  "INSERT INTO café (naïve, 名前) VALUES ('crème brûlée 🍮', '日本語'); UPDATE café SET naïve = '€' WHERE 名前 = '😀'",
  "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := 1; RETURN NEW; END $$",
  // Larger than the buffer the binding keeps between calls (64 KiB).
  `CREATE TABLE wide (\n  ${wideColumns}\n)`,
  'SELECT 2; SELECT 3;',
];

const BROKEN = ['SELEC 1', "SELECT 'unterminated", 'ALTER TABLE t ADD COLUMN', "SELECT 'ünïcödé' FROM WHERE", '', 'CREATE TABLE (a int)'];

describe('direct libpg-query binding', () => {
  before(async () => {
    await loadPostgresParser();
    await loadModule();
  });

  for (const sql of STATEMENTS) {
    it(`parses like the package: ${sql.slice(0, 50).replace(/\n/g, ' ')}`, () => {
      assert.deepEqual(parsePostgres(sql), viaPackage(sql));
    });
  }

  for (const sql of BROKEN) {
    it(`reports the package's syntax error and cursor: ${JSON.stringify(sql)}`, () => {
      const ours = parsePostgres(sql);
      assert.equal(ours.ok, false);
      if (sql === '') assert.deepEqual(ours, { ok: false, message: 'Query cannot be empty', offset: 0 });
      else assert.deepEqual(ours, viaPackage(sql));
    });
  }

  it('still parses correctly after the module memory grew for a huge statement', () => {
    const huge = `SELECT ${Array.from({ length: 60_000 }, (_, i) => `'ö${i}'`).join(', ')}`;
    const big = parsePostgres(huge);
    assert.ok(big.ok && big.statements.length === 1);
    for (const sql of STATEMENTS.slice(0, 4)) assert.deepEqual(parsePostgres(sql), viaPackage(sql));
  });

  it('scans like the package', () => {
    const sql = "SELECT 'é' || $x$ ; $x$ FROM \"Tâble\" -- comment\nWHERE a <> 1.5e3";
    const expected = scanSync(sql).tokens.map((t) => ({ text: t.text, tokenName: t.tokenName, keywordKind: t.keywordKind }));
    const tokens = scanPostgres(sql);
    assert.ok(tokens);
    assert.equal(tokens.length, expected.length);
    tokens.forEach((t, i) => {
      assert.equal(t.text, expected[i].text);
      assert.equal(t.isKeyword, expected[i].keywordKind !== 0);
      assert.equal(t.name, t.isKeyword ? expected[i].text.toUpperCase() : expected[i].tokenName);
      assert.equal(sql.slice(t.start, t.end), t.text, 'UTF-16 offsets');
    });
  });

  it('parses PL/pgSQL like the package, and gives undefined for a body that does not parse', () => {
    const fn = 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.total := NEW.a + 1; RETURN NEW; END $$';
    assert.deepEqual(parsePlpgsql(fn), (parsePlPgSQLSync(fn) as unknown as { plpgsql_funcs: unknown[] }).plpgsql_funcs);
    assert.equal(parsePlpgsql('CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN; $$'), undefined);
  });
});
