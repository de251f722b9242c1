import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/index';
import { lintForTest, ruleTester } from './tester';

ruleTester('syntax-error', {
  valid: [
    { name: 'an empty file', sql: '' },
    { name: 'a file of only comments', sql: '-- nothing to do yet\n/* really\n   nothing */\n-- still nothing\n' },
    { name: 'only semicolons and blank lines', sql: ';\n\n ;;\n' },
    { name: 'psql meta-commands are not SQL and not errors', sql: '\\set ON_ERROR_STOP on\n\\connect app\nSELECT 1;' },
    { name: 'COPY … FROM stdin data lines', sql: 'COPY t (a, b) FROM stdin;\n1\tx;y\n2\t\\N\n\\.\nSELECT 1;' },
    { name: 'a rule with several actions keeps its semicolons', sql: 'CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;' },
    { name: 'a SQL-standard function body keeps its semicolons', sql: 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\nSELECT 1;' },
    { name: 'dollar quotes, E-strings and doubled quotes', sql: "SELECT $$ ; $$, $tag$ ' $tag$, E'\\' ;', 'it''s ;', \"a\"\"b\";" },
    { name: 'suppressed for the next statement', sql: '-- safe-migrations-ignore syntax-error\nSELEC 1;' },
  ],
  invalid: [
    { sql: 'SELEC 1;', errors: [{ messageId: 'syntaxError', line: 1, column: 1, endLine: 1, endColumn: 6, messageIncludes: ['syntax error at or near "SELEC"'] }] },
    {
      name: 'a missing semicolon shows at the start of the next statement',
      sql: 'ALTER TABLE users ADD COLUMN email text\nALTER TABLE users ADD COLUMN phone text;',
      errors: [{ line: 2, column: 1, endLine: 2, endColumn: 6, messageIncludes: ['at or near "ALTER"'] }],
    },
    { sql: 'SELECT 1; SELEC 2; SELECT 3;', errors: [{ line: 1, column: 11, endLine: 1, endColumn: 16 }] },
    { name: 'an error at the semicolon marks the semicolon', sql: 'SELECT 1 + ;', errors: [{ line: 1, column: 12, endLine: 1, endColumn: 13, messageIncludes: ['at or near ";"'] }] },
    { name: 'an error at the end of the input marks the last token', sql: 'SELECT 1 +', errors: [{ line: 1, column: 10, endLine: 1, endColumn: 11, messageIncludes: ['at end of input'] }] },
    {
      name: 'multi-byte text before the error on the same line (the parser counts code points)',
      sql: "SELECT '😀', 'é' FROM WHERE;",
      errors: [{ line: 1, column: 23, endLine: 1, endColumn: 28, messageIncludes: ['"WHERE"'] }],
    },
    {
      name: 'multi-byte text on earlier lines',
      sql: "-- 日本語 😀\nSELECT 'é' FROM WHERE;",
      errors: [{ line: 2, column: 17, endLine: 2, endColumn: 22 }],
    },
    {
      name: 'an unterminated dollar quote swallows the rest of the file, marked on its first line',
      sql: 'SELECT 1;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1;\nSELECT 2;',
      errors: [{ line: 2, column: 49, endLine: 2, endColumn: 61, messageIncludes: ['unterminated dollar-quoted string $$'] }],
    },
    {
      name: 'a mismatched dollar-quote tag',
      sql: 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$\nBEGIN RETURN NEW; END $$;',
      errors: [{ line: 1, column: 57, endLine: 1, endColumn: 63, messageIncludes: ['$body$'] }],
    },
    {
      name: 'an unterminated quoted string',
      sql: "INSERT INTO t VALUES ('it''s);\nSELECT 1;",
      errors: [{ line: 1, column: 23, endLine: 1, endColumn: 31, messageIncludes: ['unterminated quoted string'] }],
    },
    {
      name: 'an unterminated quoted identifier',
      sql: 'SELECT "unclosed FROM t;',
      errors: [{ line: 1, column: 8, endLine: 1, endColumn: 25, messageIncludes: ['unterminated quoted identifier'] }],
    },
    {
      name: 'an unterminated (nested) block comment',
      sql: 'SELECT 1;\n/* comment /* nested */\nSELECT 2;',
      errors: [{ line: 2, column: 1, endLine: 2, endColumn: 24, messageIncludes: ['unterminated block comment'] }],
    },
    {
      name: 'COPY data without its \\. line',
      sql: 'COPY t (a) FROM stdin;\n1\n2',
      errors: [{ line: 2, column: 1, endLine: 3, endColumn: 2, messageIncludes: ['unterminated COPY data'] }],
    },
    { name: 'template placeholders are not SQL', sql: 'SELECT ${schema}.t;', errors: [{ line: 1, column: 8, endLine: 1, endColumn: 9 }] },
  ],
});

describe('syntax errors hide nothing else', () => {
  before(() => loadPostgresParser());
  const watched = new Set(['syntax-error', 'create-index-concurrently']);

  it('lints the statements after an error', () => {
    const found = lintForTest({ sql: 'CREATE TABLE (id bigint);\nCREATE INDEX idx_users_email ON users (email);' }).filter((f) => watched.has(f.rule));
    assert.deepEqual(
      found.map((f) => `${f.rule} ${f.line}:${f.column}-${f.endLine}:${f.endColumn}`),
      ['syntax-error 1:14-1:15', 'create-index-concurrently 2:1-2:38'],
    );
  });

  it('keeps the schema model of the statements before and after an error', () => {
    const found = lintForTest({ sql: 'CREATE TABLE users (id bigint);\nSELEC 1;\nCREATE INDEX i ON users (id);\nCREATE INDEX j ON orders (id);' }).filter((f) => watched.has(f.rule));
    assert.deepEqual(found.map((f) => `${f.rule} ${f.line}`), ['syntax-error 2', 'create-index-concurrently 4']);
  });

  it('reports nothing at all for an empty file or a file of comments', () => {
    for (const sql of ['', '\n\n', '-- a\n/* b */\n-- safe-migrations-ignore-file drop-table\n']) assert.deepEqual(lintForTest({ sql }), [], JSON.stringify(sql));
  });
});
