import { ruleTester } from './tester';

ruleTester('exclusive-lock-held', {
  valid: [
    { name: 'no transaction: each statement commits on its own', sql: 'ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX i ON users (a);' },
    { name: 'the lock ends with COMMIT', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nCREATE INDEX i ON users (a);' },
    { name: 'the ACCESS EXCLUSIVE step last', sql: 'BEGIN;\nCREATE INDEX i ON users (a);\nALTER TABLE users ADD COLUMN b int;\nCOMMIT;' },
    { name: 'quick statements on the locked table', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\nCOMMIT;' },
    { name: 'tables created in the transaction', sql: 'BEGIN;\nCREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;\nCREATE INDEX i ON t (a);\nCOMMIT;' },
    { name: 'a quick insert', sql: "BEGIN;\nALTER TABLE users ADD COLUMN a int;\nINSERT INTO audit (note) VALUES ('added users.a');\nCOMMIT;" },
    {
      name: 'a lock_timeout bounds the wait for the next table',
      sql: "SET lock_timeout = '2s';\nBEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nCOMMIT;",
    },
    { name: 'VALIDATE takes SHARE UPDATE EXCLUSIVE only', sql: 'ALTER TABLE users VALIDATE CONSTRAINT c;\nCREATE INDEX i ON users (a);', inTransaction: true },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCREATE INDEX i ON users (a);\nCOMMIT;',
      errors: [
        {
          messageId: 'held',
          line: 3,
          column: 1,
          endColumn: 24,
          messageIncludes: ['users is still locked', 'taken by `ALTER TABLE users` on line 2', 'blocks reads and writes', 'builds an index on users'],
        },
      ],
    },
    {
      name: 'waiting for another table is reported once per transaction',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nALTER TABLE items ADD COLUMN c int;',
      inTransaction: true,
      errors: [{ line: 2, column: 1, endColumn: 19, messageIncludes: ['may wait', 'an ACCESS EXCLUSIVE lock on orders'] }],
    },
    {
      name: 'every slow statement is reported',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 0;\nUPDATE users SET a = 1 WHERE a IS NULL;',
      inTransaction: true,
      errors: [
        { line: 2, column: 1, endColumn: 13, messageIncludes: ['updates every row of users'] },
        { line: 3, column: 1, endColumn: 13, messageIncludes: ['updates rows of users found by a full scan'] },
      ],
    },
    {
      name: 'several tables held',
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nCREATE INDEX i ON items (c);\nCOMMIT;',
      errors: [
        { line: 3, column: 1, endColumn: 19, messageIncludes: ['users is still locked'] },
        { line: 4, column: 1, endColumn: 24, messageIncludes: ['users and orders are still locked', 'builds an index on items'] },
      ],
    },
  ],
});
