import { ruleTester } from './tester';

ruleTester('truncate', {
  valid: [
    { name: 'a table created in the same file', sql: 'CREATE TABLE staging (id int);\nINSERT INTO staging VALUES (1);\nTRUNCATE staging;' },
    "DELETE FROM sessions WHERE created_at < now() - interval '30 days';",
  ],
  invalid: [
    {
      sql: 'TRUNCATE sessions;',
      errors: [{ messageId: 'truncate', line: 1, column: 1, endColumn: 18, messageIncludes: ['ACCESS EXCLUSIVE lock on sessions', 'blocks reads and writes'] }],
    },
    {
      name: 'RESTART IDENTITY and CASCADE stay outside the range',
      sql: 'TRUNCATE TABLE ONLY app.users, orders RESTART IDENTITY CASCADE;',
      errors: [{ messageId: 'cascade', line: 1, column: 1, endColumn: 38, messageIncludes: ['app.users, orders', 'foreign key', 'loses all its rows'] }],
    },
    {
      name: 'only the existing tables are named',
      sql: 'CREATE TABLE staging (id int);\nTRUNCATE staging, "ü😀";',
      errors: [{ messageId: 'truncate', line: 2, column: 1, endColumn: 24, messageIncludes: ['every row of ü😀 at once'] }],
    },
  ],
});
