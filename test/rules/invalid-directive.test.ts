import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser } from '../../server/src/engine/index';
import { lintForTest, ruleTester } from './tester';

ruleTester('invalid-directive', {
  valid: [
    '-- safe-migrations-ignore create-index-concurrently\nCREATE INDEX i ON t (a);',
    '-- safe-migrations-ignore create-index-concurrently, drop-table -- reviewed with the team\nDROP TABLE t;',
    '-- safe-migrations-ignore-file drop-table: legacy cleanup\nDROP TABLE t;',
    { name: 'a comment that only mentions the directive', sql: '-- see the safe-migrations-ignore docs\nSELECT 1;' },
    { name: 'a directive inside a block comment is not one', sql: '/* safe-migrations-ignore nope */\nSELECT 1;' },
  ],
  invalid: [
    {
      sql: '-- safe-migrations-ignore create-index-concurent\nCREATE INDEX i ON t (a);',
      errors: [{ messageId: 'unknownRule', line: 1, column: 27, endLine: 1, endColumn: 49, messageIncludes: ['Unknown rule "create-index-concurent"'] }],
    },
    {
      name: 'only the unknown id of a list, not the explanation after it',
      sql: '-- safe-migrations-ignore drop-table, nope -- nope is not a rule\nDROP TABLE t;',
      errors: [{ messageId: 'unknownRule', line: 1, column: 39, endLine: 1, endColumn: 43 }],
    },
    {
      sql: '-- safe-migrations-ignore\nDROP TABLE t;',
      errors: [{ messageId: 'noRules', line: 1, column: 1, endLine: 1, endColumn: 26, messageIncludes: ['names no rule'] }],
    },
    {
      sql: '-- safe-migrations-ignore-file   \nDROP TABLE t;',
      errors: [{ messageId: 'noRules', line: 1, column: 1, endLine: 1, endColumn: 34 }],
    },
    {
      name: 'multi-byte text before the directive, CRLF line ends',
      sql: '-- 😀 é\r\n  -- safe-migrations-ignore-file dróp-table\r\nSELECT 1;',
      errors: [{ messageId: 'unknownRule', line: 2, column: 34, endLine: 2, endColumn: 44, messageIncludes: ['"dróp-table"'] }],
    },
  ],
});

describe('suppression comments', () => {
  before(() => loadPostgresParser());
  // Only the rules these statements are about; others (timeouts …) may flag them too.
  const watched = new Set(['create-index-concurrently', 'drop-table', 'drop-cascade', 'invalid-directive']);
  const rulesAt = (sql: string): string[] => lintForTest({ sql }).filter((f) => watched.has(f.rule)).map((f) => `${f.rule} ${f.line}`);

  it('-- safe-migrations-ignore <rule> suppresses that rule for the next statement only', () => {
    const sql = '-- safe-migrations-ignore create-index-concurrently\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);';
    assert.deepEqual(rulesAt(sql), ['create-index-concurrently 3']);
  });

  it('skips comments and blank lines between the directive and the statement', () => {
    const sql = '-- safe-migrations-ignore drop-table\n\n-- reason: archived\nDROP TABLE t;\nDROP TABLE u;';
    assert.deepEqual(rulesAt(sql), ['drop-table 5']);
  });

  it('suppresses only the rules it names', () => {
    const sql = '-- safe-migrations-ignore drop-table\nDROP TABLE t CASCADE;';
    assert.deepEqual(rulesAt(sql), ['drop-cascade 2']);
  });

  it('-- safe-migrations-ignore-file <rule> suppresses the rule in the whole file, wherever it stands', () => {
    const sql = 'CREATE INDEX i ON t (a);\nDROP TABLE t;\n-- safe-migrations-ignore-file create-index-concurrently\nCREATE INDEX j ON t (b);';
    assert.deepEqual(rulesAt(sql), ['drop-table 2']);
  });

  it('an unknown rule next to a known one still suppresses the known one', () => {
    const sql = '-- safe-migrations-ignore nope, drop-table\nDROP TABLE t;';
    assert.deepEqual(rulesAt(sql), ['invalid-directive 1']);
  });

  it('can itself be switched off', () => {
    const found = lintForTest({ sql: '-- safe-migrations-ignore nope\nSELECT 1;', config: { rules: { 'invalid-directive': 'off' } } });
    assert.deepEqual(found, []);
  });
});
