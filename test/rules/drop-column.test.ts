import { ruleTester } from './tester';

const history = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, org_id bigint, UNIQUE (org_id, email));\nCREATE INDEX users_email_idx ON users (email);';

ruleTester('drop-column', {
  valid: [
    { name: 'a table created earlier in the file holds no data', sql: 'CREATE TABLE users (id bigint, email text);\nALTER TABLE users DROP COLUMN email;' },
    'ALTER TABLE users DROP CONSTRAINT users_email_key;',
    'ALTER TABLE users ADD COLUMN email text;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users DROP COLUMN email;',
      errors: [
        {
          messageId: 'dropColumn',
          line: 1, column: 19, endLine: 1, endColumn: 36,
          messageIncludes: ['ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', "deletes the column's data", 'still reading or writing "email"'],
        },
      ],
    },
    {
      name: 'each dropped column is reported at its own clause, without CASCADE',
      sql: 'ALTER TABLE users DROP email CASCADE, DROP COLUMN IF EXISTS phone;',
      errors: [
        { messageId: 'dropColumn', line: 1, column: 19, endLine: 1, endColumn: 29 },
        { messageId: 'dropColumn', line: 1, column: 39, endLine: 1, endColumn: 66 },
      ],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN a int, DROP COLUMN b;',
      errors: [{ messageId: 'dropColumn', line: 1, column: 37, endLine: 1, endColumn: 50 }],
    },
    {
      name: 'multi-byte text before the statement keeps columns exact',
      sql: '-- 日本語\nALTER TABLE "Üsers" DROP COLUMN "é";',
      errors: [{ messageId: 'dropColumn', line: 2, column: 21, endLine: 2, endColumn: 36, messageIncludes: ['lock on Üsers'] }],
    },
    {
      name: 'indexes the schema model knows on the column are named',
      history,
      sql: 'ALTER TABLE users DROP COLUMN email;',
      errors: [
        {
          messageId: 'dropColumnWithIndexes',
          line: 1, column: 19, endLine: 1, endColumn: 36,
          messageIncludes: ['silently drops the unique index on (org_id, email) and index users_email_idx'],
        },
      ],
    },
    {
      name: 'the primary key index is named as such',
      history,
      sql: 'ALTER TABLE users DROP COLUMN id;',
      errors: [{ messageId: 'dropColumnWithIndexes', line: 1, column: 19, endLine: 1, endColumn: 33, messageIncludes: ["silently drops the primary key's index on (id)"] }],
    },
    {
      name: 'a column without an index',
      history,
      sql: 'ALTER TABLE users DROP COLUMN org_id, DROP COLUMN id;',
      errors: [
        { messageId: 'dropColumnWithIndexes', line: 1, column: 19, endLine: 1, endColumn: 37, messageIncludes: ['unique index on (org_id, email)'] },
        { messageId: 'dropColumnWithIndexes', line: 1, column: 39, endLine: 1, endColumn: 53 },
      ],
    },
  ],
});
