import { ruleTester } from './tester';

ruleTester('drop-not-null', {
  valid: [
    { name: 'a table created earlier in the file', sql: 'CREATE TABLE users (id bigint, email text NOT NULL);\nALTER TABLE users ALTER COLUMN email DROP NOT NULL;' },
    'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    'ALTER TABLE users ALTER COLUMN email DROP DEFAULT;',
    'ALTER DOMAIN email DROP NOT NULL;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
      errors: [
        {
          messageId: 'dropNotNull',
          line: 1, column: 19, endLine: 1, endColumn: 51,
          messageIncludes: ['ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', 'assume "email" always has a value'],
        },
      ],
    },
    {
      name: 'COLUMN is optional; each clause of a multi-command ALTER',
      sql: 'ALTER TABLE app.users ALTER email DROP NOT NULL, ADD COLUMN x int, ALTER COLUMN "Name" DROP NOT NULL;',
      errors: [
        { messageId: 'dropNotNull', line: 1, column: 23, endLine: 1, endColumn: 48, messageIncludes: ['lock on app.users'] },
        { messageId: 'dropNotNull', line: 1, column: 68, endLine: 1, endColumn: 101, messageIncludes: ['"Name"'] },
      ],
    },
    {
      name: 'multi-byte text before the statement keeps columns exact',
      sql: '-- 😀\nALTER TABLE "Üsers" ALTER COLUMN "é" DROP NOT NULL',
      errors: [{ messageId: 'dropNotNull', line: 2, column: 21, endLine: 2, endColumn: 51 }],
    },
  ],
});
