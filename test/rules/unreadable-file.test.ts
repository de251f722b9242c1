import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeSource, lint, LineIndex, loadPostgresParser } from '../../server/src/engine/index';
import { ruleTester } from './tester';

ruleTester('unreadable-file', {
  valid: [
    { name: 'an empty file', sql: '' },
    { name: 'multi-byte UTF-8 text', sql: "INSERT INTO cities (name) VALUES ('Montréal'), ('東京'), ('😀');" },
  ],
  invalid: [
    {
      name: 'NUL bytes: binary, reported on the first line and not linted',
      sql: 'CREATE INDEX i ON t (a);\n\u0000\u0001\u0002',
      errors: [{ messageId: 'binary', line: 1, column: 1, endLine: 1, endColumn: 25, messageIncludes: ['NUL bytes'] }],
    },
  ],
});

/** Lints raw bytes the way the command line and the language server read files. */
function lintBytes(bytes: number[]): { rule: string; messageId: string; at: string }[] {
  const { text, invalidUtf8At } = decodeSource(new Uint8Array(bytes));
  const lines = new LineIndex(text);
  // Only the rules these statements are about; others (timeouts …) may flag them too.
  const watched = new Set(['unreadable-file', 'syntax-error', 'create-index-concurrently', 'drop-table']);
  return lint(text, { invalidUtf8At }).findings.filter((f) => watched.has(f.rule)).map((f) => {
    const s = lines.position(f.range.start);
    const e = lines.position(f.range.end);
    return { rule: f.rule, messageId: f.messageId, at: `${s.line + 1}:${s.character + 1}-${e.line + 1}:${e.character + 1}` };
  });
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];

describe('unreadable-file from bytes', () => {
  before(() => loadPostgresParser());

  it('a binary file gives one finding and nothing else', () => {
    const { text, invalidUtf8At } = decodeSource(new Uint8Array([...ascii('DROP TABLE t;'), 0, 0x9c, 0xff, 0x10]));
    const { findings } = lint(text, { invalidUtf8At });
    assert.deepEqual(findings.map((f) => `${f.rule} ${f.messageId} ${f.range.start}-${f.range.end}`), ['unreadable-file binary 0-17']);
  });

  it('marks the first byte that is not UTF-8 (Latin-1 é) and still lints the file', () => {
    const found = lintBytes([...ascii("SELECT 1;\nINSERT INTO cities VALUES ('Montr"), 0xe9, ...ascii("al');\nCREATE INDEX i ON t (a);")]);
    assert.deepEqual(found, [
      { rule: 'unreadable-file', messageId: 'invalidUtf8', at: '2:34-2:35' },
      { rule: 'create-index-concurrently', messageId: 'notConcurrent', at: '3:1-3:20' },
    ]);
  });

  it('counts UTF-16 columns after valid multi-byte text', () => {
    const found = lintBytes([...utf8("SELECT '😀é', '"), 0xc0, 0xaf, ...ascii("';")]);
    assert.deepEqual(found.map((f) => `${f.rule} ${f.at}`), ['unreadable-file 1:16-1:17']);
  });

  it('rejects overlong forms, UTF-16 surrogates and code points above U+10FFFF at their first byte', () => {
    for (const bad of [[0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      const found = lintBytes([...ascii('SELECT 1; -- '), ...bad]);
      assert.deepEqual(found.map((f) => `${f.messageId} ${f.at}`), ['invalidUtf8 1:14-1:15'], bad.map((b) => b.toString(16)).join(' '));
    }
  });

  it('a truncated sequence at the end of the file', () => {
    assert.deepEqual(lintBytes([...ascii('SELECT 1; -- '), 0xe2, 0x82]).map((f) => f.at), ['1:14-1:15']);
  });

  it('accepts a UTF-8 byte order mark', () => {
    assert.deepEqual(lintBytes([0xef, 0xbb, 0xbf, ...ascii('SELECT 1;')]), []);
  });
});
