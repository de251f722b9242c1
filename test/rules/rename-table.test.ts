import { fixTester } from './fix-check';
import { ruleTester } from './tester';

ruleTester('rename-table', {
  valid: [
    { name: 'a table created earlier in the file', sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users RENAME TO accounts;' },
    { name: 'a compatibility view under the old name keeps old code working', sql: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;' },
    { name: 'the compatibility view inside the migration\'s own transaction', sql: 'BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;' },
    { name: 'a compatibility view listing the columns', sql: 'ALTER TABLE users RENAME TO accounts;\nCREATE OR REPLACE VIEW users AS SELECT id, email FROM accounts;' },
    { name: 'qualified names, quoted', sql: 'ALTER TABLE app."Users" RENAME TO "Accounts";\nCREATE VIEW app."Users" AS SELECT * FROM app."Accounts";' },
    'ALTER TABLE users RENAME COLUMN a TO b;',
    'ALTER INDEX users_pkey RENAME TO accounts_pkey;',
    'ALTER VIEW active_users RENAME TO current_users;',
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users RENAME TO accounts;',
      errors: [
        {
          messageId: 'renameTable',
          line: 1, column: 19, endLine: 1, endColumn: 37,
          messageIncludes: ['ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', 'still queries "users"'],
        },
      ],
    },
    {
      sql: 'ALTER TABLE IF EXISTS app."Users" RENAME TO "Accounts";',
      errors: [{ messageId: 'renameTable', line: 1, column: 35, endLine: 1, endColumn: 55, messageIncludes: ['lock on app.Users'] }],
    },
    {
      name: 'a view under the old name that reads another table is not a compatibility view',
      sql: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM archived_users;',
      errors: [{ messageId: 'renameTable', line: 1, column: 19, endLine: 1, endColumn: 37 }],
    },
    {
      name: 'the new name in another schema is not the renamed table',
      sql: 'ALTER TABLE app.users RENAME TO accounts;\nCREATE VIEW app.users AS SELECT * FROM public.accounts;',
      errors: [{ messageId: 'renameTable', line: 1, column: 23, endLine: 1, endColumn: 41 }],
    },
    {
      name: 'a view in another schema is not a compatibility view',
      sql: 'ALTER TABLE app.users RENAME TO accounts;\nCREATE VIEW public.users AS SELECT * FROM app.accounts;',
      errors: [{ messageId: 'renameTable', line: 1, column: 23, endLine: 1, endColumn: 41 }],
    },
    {
      name: 'multi-byte text, no semicolon, clause on its own line',
      sql: '-- 😀 ü\nALTER TABLE "Üsers"\n  RENAME TO accounts',
      errors: [{ messageId: 'renameTable', line: 3, column: 3, endLine: 3, endColumn: 21, messageIncludes: ['lock on Üsers'] }],
    },
  ],
});

fixTester('rename-table', 'suggestion', [
  {
    sql: 'ALTER TABLE users RENAME TO accounts;\nSELECT 1;',
    output: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nSELECT 1;',
  },
  {
    name: 'after a semicolon on a line of its own',
    sql: 'ALTER TABLE users\n  RENAME TO accounts\n;\n',
    output: 'ALTER TABLE users\n  RENAME TO accounts\n;\nCREATE VIEW users AS SELECT * FROM accounts;\n',
  },
  {
    name: 'quoted, qualified names as written; a missing semicolon is added',
    sql: 'ALTER TABLE app."Users" RENAME TO "Accounts"',
    output: 'ALTER TABLE app."Users" RENAME TO "Accounts";\nCREATE VIEW app."Users" AS SELECT * FROM app."Accounts";',
  },
]);
