import { ruleTester } from './tester';

const VALIDATED_CHECK = 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;';

ruleTester('set-not-null', {
  valid: [
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    { name: 'a validated CHECK from the history proves it (PostgreSQL 12+)', history: VALIDATED_CHECK, sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    {
      name: 'the whole recipe in one file on a table the model does not know',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    { name: 'the column is NOT NULL already', history: 'CREATE TABLE users (id bigint, email text NOT NULL);', sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    { name: 'a primary key made the column NOT NULL', history: 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD PRIMARY KEY (id);', sql: 'ALTER TABLE users ALTER COLUMN id SET NOT NULL;' },
    { name: 'NOT NULL … NOT VALID does not scan (PostgreSQL 18)', sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;', pg: 18 },
    {
      name: 'a validated NOT NULL constraint makes the column NOT NULL (PostgreSQL 18)',
      history: 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;',
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      pg: 18,
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [
        {
          messageId: 'scan',
          line: 1, column: 19, endLine: 1, endColumn: 50,
          messageIncludes: ['users.email', 'scans the whole table', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes'],
        },
      ],
    },
    {
      name: 'a NOT VALID check proves nothing until it is validated',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ messageId: 'unvalidatedCheck', line: 2, column: 19, endLine: 2, endColumn: 50, messageIncludes: ['users_email_not_null', 'NOT VALID'] }],
    },
    {
      name: 'PostgreSQL 11 ignores the validated check',
      history: VALIDATED_CHECK,
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      pg: 11,
      errors: [{ messageId: 'checkIgnored', line: 1, column: 19, endLine: 1, endColumn: 50, messageIncludes: ['PostgreSQL 11', 'users_email_not_null'] }],
    },
    {
      name: 'a check on another column proves nothing',
      history: VALIDATED_CHECK,
      sql: 'ALTER TABLE users ALTER id SET NOT NULL;',
      errors: [{ messageId: 'scan', line: 1, column: 19, endLine: 1, endColumn: 40 }],
    },
    {
      name: 'only the offending subcommand is marked',
      sql: 'ALTER TABLE users\n  ALTER COLUMN email SET DEFAULT \'\',\n  ALTER COLUMN email SET NOT NULL;',
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 34 }],
    },
    {
      name: 'ADD CONSTRAINT … NOT NULL without NOT VALID scans too (PostgreSQL 18)',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email;',
      pg: 18,
      errors: [{ messageId: 'scan', line: 1, column: 19, endLine: 1, endColumn: 63, messageIncludes: ['ADD CONSTRAINT users_email_nn NOT NULL on users.email'] }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- Größe 📏\nALTER TABLE "Maße" ALTER COLUMN "höhe" SET NOT NULL;',
      errors: [{ line: 2, column: 20, endLine: 2, endColumn: 52, messageIncludes: ['Maße.höhe'] }],
    },
  ],
});
