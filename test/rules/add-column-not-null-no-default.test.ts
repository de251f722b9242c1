import { ruleTester } from './tester';

ruleTester('add-column-not-null-no-default', {
  valid: [
    'ALTER TABLE users ADD COLUMN nickname text;',
    { name: 'a constant default fills the existing rows', sql: 'ALTER TABLE users ADD COLUMN score int NOT NULL DEFAULT 0;' },
    { name: 'serial columns fill every row', sql: 'ALTER TABLE users ADD COLUMN seq bigserial NOT NULL;' },
    'ALTER TABLE users ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;',
    'ALTER TABLE users ADD COLUMN twice bigint NOT NULL GENERATED ALWAYS AS (id * 2) STORED;',
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN email text NOT NULL;' },
    {
      name: 'IF NOT EXISTS on a column the history already has adds nothing',
      history: 'CREATE TABLE users (id bigint, email text NOT NULL);',
      sql: 'ALTER TABLE users ADD COLUMN IF NOT EXISTS email text NOT NULL;',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN email text NOT NULL;',
      errors: [
        {
          messageId: 'notNullNoDefault',
          line: 1,
          column: 19,
          endLine: 1,
          endColumn: 49,
          messageIncludes: ['email', 'fails as soon as users holds a row', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes'],
        },
      ],
    },
    {
      name: 'DEFAULT NULL fills nothing',
      sql: 'ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT NULL;',
      errors: [{ messageId: 'notNullNoDefault', line: 1, column: 19, endColumn: 62 }],
    },
    {
      name: 'a primary key column is NOT NULL too',
      sql: 'ALTER TABLE users ADD COLUMN uid uuid PRIMARY KEY;',
      errors: [{ messageId: 'notNullNoDefault', line: 1, column: 19, endColumn: 50, messageIncludes: ['uid PRIMARY KEY'] }],
    },
    {
      name: 'only the offending subcommand is marked',
      sql: 'ALTER TABLE users\n  ADD COLUMN nickname text,\n  ADD COLUMN email text NOT NULL;',
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 33 }],
    },
    {
      name: 'a table from the history is existing',
      history: 'CREATE TABLE users (id bigint);',
      sql: 'ALTER TABLE users ADD COLUMN email text NOT NULL;',
      errors: [{ line: 1, column: 19, endColumn: 49 }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- 日本語 😀\nALTER TABLE "Üsers" ADD COLUMN "ñ" text NOT NULL;',
      errors: [{ line: 2, column: 21, endLine: 2, endColumn: 49, messageIncludes: ['Üsers', 'ñ'] }],
    },
  ],
});
