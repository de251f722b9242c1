import { ruleTester } from './tester';

ruleTester('add-unique-constraint', {
  valid: [
    'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;',
    'CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);',
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
      errors: [
        {
          messageId: 'unique',
          line: 1, column: 19, endLine: 1, endColumn: 64,
          messageIncludes: ['ADD CONSTRAINT users_email_key UNIQUE', 'unique index on users (email)', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', 'whole build'],
        },
      ],
    },
    {
      name: 'only the offending subcommand is marked',
      sql: 'ALTER TABLE users\n  ADD COLUMN nick text,\n  ADD UNIQUE (tenant_id, nick);',
      errors: [{ messageId: 'unique', line: 3, column: 3, endLine: 3, endColumn: 31, messageIncludes: ['users (tenant_id, nick)'] }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- Ñandú 🐦\nALTER TABLE "Ñandú" ADD UNIQUE ("número");',
      errors: [{ line: 2, column: 21, endLine: 2, endColumn: 42 }],
    },
  ],
});
