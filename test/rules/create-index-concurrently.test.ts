import { ruleTester } from './tester';

ruleTester('create-index-concurrently', {
  valid: [
    'CREATE INDEX CONCURRENTLY idx_users_email ON users (email);',
    'CREATE TABLE users (id bigint, email text);\nCREATE INDEX idx_users_email ON users (email);',
    { name: '14.4 fixed the CONCURRENTLY bug', sql: 'CREATE INDEX CONCURRENTLY i ON users (email);', pg: '14.4' },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX idx_users_email ON users (email);',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endLine: 1, endColumn: 38, messageIncludes: ['SHARE lock on users', 'blocks writes'] }],
    },
    {
      name: 'multi-byte text before the statement keeps columns exact',
      sql: "-- 日本語 😀\nCREATE UNIQUE INDEX \"ïdx\" ON app.\"Üsers\" (email);",
      errors: [{ line: 2, column: 1, endLine: 2, endColumn: 41, messageIncludes: ['app.Üsers'] }],
    },
    {
      sql: 'CREATE INDEX CONCURRENTLY i ON users (email);',
      pg: '14.2',
      errors: [{ messageId: 'brokenConcurrently', line: 1, column: 1, endColumn: 37 }],
    },
  ],
});
