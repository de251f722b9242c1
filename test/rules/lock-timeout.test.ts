import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPostgresParser, type Fix } from '../../server/src/engine/index';
import { lintForTest, ruleTester } from './tester';

ruleTester('lock-timeout', {
  valid: [
    "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;",
    "SELECT set_config('lock_timeout', '3s', false);\nALTER TABLE users ADD COLUMN a int;",
    "BEGIN;\nSET LOCAL lock_timeout = '1s';\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;",
    { name: 'the runner sets it (configuration)', sql: 'ALTER TABLE users ADD COLUMN a int;', config: { lockTimeout: '2s' } },
    { name: 'tables created in the file', sql: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;\nCREATE INDEX i ON t (a);' },
    { name: 'a foreign key to a new table', sql: 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES a (id));' },
    { name: 'SHARE UPDATE EXCLUSIVE does not block reads or writes', sql: 'CREATE INDEX CONCURRENTLY i ON users (a);\nALTER TABLE users VALIDATE CONSTRAINT c;' },
    { name: 'row locks only', sql: "UPDATE users SET a = 1 WHERE id = 1;\nINSERT INTO audit VALUES ('x');" },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN a int;',
      errors: [{ messageId: 'missing', line: 1, column: 1, endColumn: 18, messageIncludes: ['an ACCESS EXCLUSIVE lock on users, which blocks reads and writes', 'every later query on users queues behind'] }],
    },
    {
      name: 'reported once per file',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;',
      errors: [{ line: 1, column: 1, endColumn: 18 }],
    },
    {
      name: 'RESET clears an earlier SET',
      sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;\nRESET lock_timeout;\nCREATE INDEX i ON orders (a);",
      errors: [{ line: 4, column: 1, endColumn: 25, messageIncludes: ['a SHARE lock on orders, which blocks writes (reads continue)', 'every later write to orders queues'] }],
    },
    {
      name: 'zero disables the timeout',
      sql: 'SET lock_timeout = 0;\nDROP TABLE old_users;',
      errors: [{ line: 2, column: 1, endColumn: 21, messageIncludes: ['ACCESS EXCLUSIVE lock on old_users'] }],
    },
    {
      name: 'SET LOCAL ends with its transaction',
      sql: "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\nALTER TABLE users ADD COLUMN a int;",
      errors: [{ line: 4, column: 1, endColumn: 18 }],
    },
    {
      name: 'a foreign key in a new table locks the referenced table',
      sql: 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint REFERENCES users (id)\n);',
      errors: [{ line: 3, column: 29, endLine: 3, endColumn: 34, messageIncludes: ['SHARE ROW EXCLUSIVE lock on users', 'blocks writes'] }],
    },
    {
      name: 'ADD FOREIGN KEY names the altered table',
      sql: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);',
      errors: [{ line: 1, column: 1, endColumn: 19, messageIncludes: ['SHARE ROW EXCLUSIVE lock on orders'] }],
    },
    {
      name: "DROP INDEX locks the index's table, known from the history",
      history: 'CREATE TABLE users (id int, email text);\nCREATE INDEX users_email ON users (email);',
      sql: 'DROP INDEX users_email;',
      errors: [{ line: 1, column: 1, endColumn: 23, messageIncludes: ['ACCESS EXCLUSIVE lock on users'] }],
    },
    {
      name: 'DROP INDEX of an index the history does not know',
      sql: 'DROP INDEX users_email;',
      errors: [{ line: 1, column: 1, endColumn: 23, messageIncludes: ['ACCESS EXCLUSIVE lock on index users_email'] }],
    },
    {
      name: 'a quick statement on a new table first, then an existing one',
      sql: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nALTER TABLE "Users" DROP COLUMN legacy;',
      errors: [{ line: 3, column: 1, endColumn: 20, messageIncludes: ['lock on Users'] }],
    },
  ],
});

/** Applies a fix's edits (non-overlapping) to the text. */
function applyFix(text: string, fix: Fix): string {
  const edits = [...fix.edits].sort((a, b) => b.range.start - a.range.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return out;
}

describe('lock-timeout autofix', () => {
  before(() => loadPostgresParser());
  const cases = [
    {
      name: 'inserts the SET before the first statement, after framework comments',
      sql: '-- +goose Up\nALTER TABLE users ADD COLUMN a int;\n',
      expected: "-- +goose Up\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;\n",
    },
    {
      name: 'keeps the indentation of the first statement',
      sql: '    ALTER TABLE users ADD COLUMN a int;',
      expected: "    SET lock_timeout = '2s';\n    ALTER TABLE users ADD COLUMN a int;",
    },
    {
      name: 'inserts right before the statement when an earlier one resets the timeout',
      sql: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;\nRESET lock_timeout;\nCREATE INDEX i ON orders (a);",
      expected: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN a int;\nRESET lock_timeout;\nSET lock_timeout = '2s';\nCREATE INDEX i ON orders (a);",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const finding = lintForTest({ sql: c.sql }).find((f) => f.rule === 'lock-timeout');
      assert.ok(finding?.fixes?.length === 1, 'one fix');
      assert.equal(finding.fixes[0].kind, 'autofix');
      const fixed = applyFix(c.sql, finding.fixes[0]);
      assert.equal(fixed, c.expected);
      const after = lintForTest({ sql: fixed });
      assert.deepEqual(after.filter((f) => f.rule === 'lock-timeout' || f.rule === 'syntax-error').map((f) => f.message), [], 'the fixed file is clean and parses');
    });
  }
});

ruleTester('lock-timeout', {
  valid: [{ name: 'SET LOCAL inside a runner-wrapped file counts', sql: "SET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN c int;", inTransaction: true }],
  invalid: [
    {
      name: 'SET LOCAL outside a transaction sets nothing',
      sql: "SET LOCAL lock_timeout = '2s';\nALTER TABLE users ADD COLUMN c int;",
      errors: [{ line: 2, column: 1 }],
    },
    {
      name: 'autofix: SET at the top of the file',
      sql: 'ALTER TABLE users ADD COLUMN c int;',
      errors: [{ line: 1, column: 1 }],
      output: "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN c int;",
    },
    {
      name: 'autofix: SET before BEGIN, in force for the whole session',
      sql: '  BEGIN;\n  ALTER TABLE users ADD COLUMN c int;\n  COMMIT;',
      errors: [{ line: 2, column: 3 }],
      output: "  SET lock_timeout = '2s';\n  BEGIN;\n  ALTER TABLE users ADD COLUMN c int;\n  COMMIT;",
    },
    {
      name: 'autofix: SET right before the statement when an earlier one resets it',
      sql: 'RESET ALL;\nALTER TABLE users ADD COLUMN c int;',
      errors: [{ line: 2, column: 1 }],
      output: "RESET ALL;\nSET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN c int;",
    },
  ],
});
