import { ruleTester } from './tester';

ruleTester('rename-column', {
  valid: [
    { name: 'a table created earlier in the file is not used by running code', sql: 'CREATE TABLE users (id bigint, name text);\nALTER TABLE users RENAME COLUMN name TO full_name;' },
    'ALTER TABLE users RENAME CONSTRAINT users_name_check TO users_full_name_check;',
    'ALTER TABLE users RENAME TO accounts;',
    'ALTER INDEX users_name_idx RENAME TO users_full_name_idx;',
    { name: 'the expand step of expand/contract', sql: 'ALTER TABLE users ADD COLUMN full_name text;' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
      errors: [
        {
          messageId: 'renameColumn',
          line: 1, column: 19, endLine: 1, endColumn: 50,
          messageIncludes: ['ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', 'still uses "name"'],
        },
      ],
    },
    {
      name: 'COLUMN is optional; quoted, schema-qualified names',
      sql: 'ALTER TABLE app."Users" RENAME "Name" TO name;',
      errors: [{ messageId: 'renameColumn', line: 1, column: 25, endLine: 1, endColumn: 46, messageIncludes: ['lock on app.Users', '"Name"'] }],
    },
    {
      name: 'a comment between the table and the clause',
      sql: 'ALTER TABLE users\n  -- the old name stays for now\n  RENAME COLUMN a TO b;',
      errors: [{ messageId: 'renameColumn', line: 3, column: 3, endLine: 3, endColumn: 23 }],
    },
    {
      name: 'the semicolon on a line of its own is not part of the range',
      sql: 'ALTER TABLE version_owner_actions\nRENAME COLUMN user_id TO owner_id\n;\n',
      errors: [{ messageId: 'renameColumn', line: 2, column: 1, endLine: 2, endColumn: 34 }],
    },
    {
      name: 'multi-byte text before and inside the statement keeps columns exact',
      sql: '-- ünïcødé 😀\nALTER TABLE "Bénéfices" RENAME COLUMN "montant€" TO montant;',
      errors: [{ messageId: 'renameColumn', line: 2, column: 25, endLine: 2, endColumn: 60, messageIncludes: ['Bénéfices', '"montant€"'] }],
    },
    {
      name: 'a view column is read by running code too',
      sql: 'ALTER VIEW active_users RENAME COLUMN a TO b;',
      errors: [{ messageId: 'renameColumn', line: 1, column: 25, endLine: 1, endColumn: 45, messageIncludes: ['lock on active_users'] }],
    },
    {
      name: 'only the existing table is flagged',
      sql: 'CREATE TABLE users (id bigint, name text);\nALTER TABLE users RENAME COLUMN name TO full_name;\nALTER TABLE accounts RENAME COLUMN name TO full_name;',
      errors: [{ messageId: 'renameColumn', line: 3, column: 22, endLine: 3, endColumn: 53, messageIncludes: ['lock on accounts'] }],
    },
  ],
});
