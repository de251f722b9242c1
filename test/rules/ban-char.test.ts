import { fixTester } from './fix-check';
import { ruleTester } from './tester';

const config = { rules: { 'ban-char': 'info' as const } };

ruleTester('ban-char', {
  valid: [
    { name: 'off by default', sql: 'CREATE TABLE countries (code char(2));' },
    { config, sql: 'CREATE TABLE countries (code text CHECK (char_length(code) = 2), name varchar(100));' },
    { config, name: 'the one-byte internal "char" type is a different type', sql: 'CREATE TABLE flags (flag "char");' },
  ],
  invalid: [
    {
      config,
      sql: 'CREATE TABLE countries (code char(2) PRIMARY KEY, c3 character(3), flag "char", one character, b bpchar);',
      errors: [
        { messageId: 'char', line: 1, column: 30, endLine: 1, endColumn: 37, messageIncludes: ['code is char(2)', 'padded with spaces'] },
        { messageId: 'char', line: 1, column: 54, endLine: 1, endColumn: 66 },
        { messageId: 'char', line: 1, column: 85, endLine: 1, endColumn: 94, messageIncludes: ['one is character'] },
        { messageId: 'char', line: 1, column: 98, endLine: 1, endColumn: 104 },
      ],
    },
    {
      config,
      sql: 'ALTER TABLE countries ALTER COLUMN code TYPE CHAR(3), ADD COLUMN x char(4)[];',
      errors: [
        { messageId: 'char', line: 1, column: 46, endLine: 1, endColumn: 53 },
        { messageId: 'char', line: 1, column: 68, endLine: 1, endColumn: 77 },
      ],
    },
    {
      config,
      name: 'multi-byte text before the type',
      sql: '-- 日本\nCREATE TABLE "國家" ("碼" char(2));',
      errors: [{ messageId: 'char', line: 2, column: 24, endLine: 2, endColumn: 31 }],
    },
  ],
});

fixTester('ban-char', 'suggestion', [
  { sql: 'CREATE TABLE countries (code char(2) PRIMARY KEY);', output: 'CREATE TABLE countries (code text PRIMARY KEY);' },
  { sql: 'ALTER TABLE countries ADD COLUMN x character(4)[];', output: 'ALTER TABLE countries ADD COLUMN x text[];' },
]);
