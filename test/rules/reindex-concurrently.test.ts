import { ruleTester } from './tester';

ruleTester('reindex-concurrently', {
  valid: [
    'REINDEX TABLE CONCURRENTLY users;',
    'REINDEX (CONCURRENTLY) INDEX users_email_idx;',
    { name: 'a table created in the same file', sql: 'CREATE TABLE users (id int PRIMARY KEY);\nREINDEX TABLE users;' },
    { name: 'an index whose table was created in the same file', sql: 'CREATE TABLE users (id int, email text);\nCREATE INDEX users_email_idx ON users (email);\nREINDEX INDEX users_email_idx;' },
    { name: '14.4 fixed the CONCURRENTLY bug', sql: 'REINDEX INDEX CONCURRENTLY users_email_idx;', pg: '14.4' },
  ],
  invalid: [
    {
      name: 'a primary key index from the history',
      history: 'CREATE TABLE users (id int PRIMARY KEY);',
      sql: 'REINDEX INDEX users_pkey;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 25, messageIncludes: ['SHARE lock on users', 'index users_pkey'] }],
    },
    {
      sql: 'REINDEX TABLE users;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 20, messageIncludes: ['SHARE lock on users', 'blocks writes', 'ACCESS EXCLUSIVE locks on each of its indexes', 'full scan'] }],
    },
    {
      name: 'the index is known from the CREATE INDEX earlier in the file',
      sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\nREINDEX INDEX users_email_idx;',
      errors: [{ messageId: 'notConcurrent', line: 2, column: 1, endColumn: 30, messageIncludes: ['SHARE lock on users', 'index users_email_idx'] }],
    },
    {
      sql: 'REINDEX (CONCURRENTLY false) TABLE users;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 41 }],
    },
    {
      sql: 'REINDEX SCHEMA app;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 19, messageIncludes: ['every table in schema app'] }],
    },
    {
      name: 'before 12 there is no online form',
      sql: 'REINDEX TABLE users;',
      pg: 11,
      errors: [{ messageId: 'noOnlineForm', line: 1, column: 1, endColumn: 20, messageIncludes: ['PostgreSQL 11 has no REINDEX CONCURRENTLY', 'CREATE INDEX CONCURRENTLY'] }],
    },
    {
      sql: 'REINDEX TABLE CONCURRENTLY users;',
      pg: '11.9',
      errors: [{ messageId: 'noOnlineForm', line: 1, column: 1, endColumn: 33 }],
    },
    {
      sql: 'REINDEX INDEX CONCURRENTLY users_email_idx;',
      pg: '14.2',
      errors: [{ messageId: 'brokenConcurrently', line: 1, column: 1, endColumn: 43, messageIncludes: ['14.2'] }],
    },
  ],
});
