import { ruleTester } from './tester';

ruleTester('enum-add-value', {
  valid: [
    { name: 'outside a transaction on 11', sql: "ALTER TYPE mood ADD VALUE 'ok';", pg: 11 },
    { name: 'in a transaction on 12+ when the value is not used', sql: "BEGIN;\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok' AFTER 'sad';\nCOMMIT;" },
    { name: 'used after the commit', sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'ok';\nCOMMIT;\nUPDATE people SET mood = 'ok' WHERE mood = 'meh';" },
    { name: 'used with no transaction at all', sql: "ALTER TYPE mood ADD VALUE 'ok';\nUPDATE people SET mood = 'ok';" },
    { name: 'a type created in the same transaction, before 12', sql: "BEGIN;\nCREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'ok';\nCOMMIT;", pg: 11 },
    {
      name: 'PostgreSQL 18 allows the use when the type was created in the same transaction',
      sql: "BEGIN;\nCREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'ok';\nSELECT 'ok'::mood;\nCOMMIT;",
      pg: 18,
    },
    { name: 'renaming a value', sql: "BEGIN;\nALTER TYPE mood RENAME VALUE 'ok' TO 'fine';\nSELECT 'fine'::mood;\nCOMMIT;" },
  ],
  invalid: [
    {
      name: 'before 12 ADD VALUE fails inside a transaction',
      sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'ok' BEFORE 'sad';\nCOMMIT;",
      pg: 11,
      errors: [{ messageId: 'inTransactionBefore12', line: 2, column: 1, endColumn: 31, messageIncludes: ['PostgreSQL 11', 'allowed from 12'] }],
    },
    {
      name: 'a runner that wraps the file counts as a transaction',
      sql: "ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'ok';",
      pg: '10.4',
      inTransaction: true,
      errors: [{ messageId: 'inTransactionBefore12', line: 1, column: 1, endColumn: 49, messageIncludes: ['app.mood'] }],
    },
    {
      name: 'the new value used later in the same transaction',
      sql: "BEGIN;\nALTER TYPE mood ADD VALUE 'ok';\nUPDATE people SET mood = 'ok' WHERE mood = 'meh';\nCOMMIT;",
      errors: [{ messageId: 'usedBeforeCommit', line: 3, column: 26, endColumn: 30, messageIncludes: ["'ok' was added to enum mood", 'unsafe use of new value'] }],
    },
    {
      name: 'on 15 even a type created in the same transaction cannot use it',
      sql: "CREATE TYPE mood AS ENUM ('sad');\nALTER TYPE mood ADD VALUE 'ok';\nALTER TABLE people ADD COLUMN m mood DEFAULT 'ok';\nSELECT '😀', 'ok'::mood;",
      pg: 15,
      inTransaction: true,
      errors: [
        { line: 3, column: 46, endColumn: 50 },
        { line: 4, column: 14, endColumn: 18 },
      ],
    },
  ],
});
