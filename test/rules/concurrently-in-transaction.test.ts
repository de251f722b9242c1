import { ruleTester } from './tester';

ruleTester('concurrently-in-transaction', {
  valid: [
    { name: 'CONCURRENTLY outside a transaction', sql: 'CREATE INDEX CONCURRENTLY idx ON users (email);' },
    { name: 'a plain index inside BEGIN', sql: 'BEGIN;\nCREATE INDEX idx ON users (email);\nCOMMIT;' },
    { name: 'after the transaction committed', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nCREATE INDEX CONCURRENTLY idx ON users (a);' },
    { name: 'ANALYZE may run in a transaction', sql: 'ANALYZE users;', inTransaction: true },
    { name: 'REINDEX without CONCURRENTLY may run in a transaction', sql: 'REINDEX INDEX idx;', inTransaction: true },
    { name: 'VACUUM outside a transaction', sql: 'VACUUM (ANALYZE) users;' },
    { name: 'an explicit runsInTransaction=false wins over assumeInTransaction', sql: 'DROP INDEX CONCURRENTLY idx;', config: { assumeInTransaction: true }, inTransaction: false },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY idx ON users (email);\nCOMMIT;',
      errors: [{ messageId: 'explicit', line: 2, column: 1, endLine: 2, endColumn: 26, messageIncludes: ['CREATE INDEX CONCURRENTLY', 'BEGIN on line 1', '25001'] }],
    },
    {
      name: 'lower case, UNIQUE, after START TRANSACTION',
      sql: 'start transaction;\ncreate unique index concurrently idx on users (email);\ncommit;',
      errors: [{ messageId: 'explicit', line: 2, column: 1, endColumn: 33 }],
    },
    {
      name: 'the runner wraps the file',
      sql: 'DROP INDEX CONCURRENTLY IF EXISTS idx;',
      inTransaction: true,
      errors: [{ messageId: 'wrapped', line: 1, column: 1, endColumn: 24, messageIncludes: ['DROP INDEX CONCURRENTLY', 'runner'] }],
    },
    {
      name: 'assumeInTransaction from the configuration',
      sql: 'REINDEX TABLE CONCURRENTLY users;',
      config: { assumeInTransaction: true },
      errors: [{ messageId: 'wrapped', line: 1, column: 1, endColumn: 27 }],
    },
    {
      name: 'CONCURRENTLY inside an option list covers the list',
      sql: 'REINDEX (VERBOSE, CONCURRENTLY) INDEX idx;',
      inTransaction: true,
      errors: [{ line: 1, column: 1, endColumn: 32, messageIncludes: ['REINDEX CONCURRENTLY'] }],
    },
    {
      sql: 'BEGIN;\nALTER TABLE events DETACH PARTITION events_2024 CONCURRENTLY;\nCOMMIT;',
      errors: [{ messageId: 'explicit', line: 2, column: 20, endLine: 2, endColumn: 61, messageIncludes: ['DETACH PARTITION'] }],
    },
    {
      name: 'VACUUM, CREATE DATABASE and ALTER SYSTEM',
      sql: "VACUUM FULL users;\nCREATE DATABASE app;\nALTER SYSTEM SET work_mem = '64MB';",
      inTransaction: true,
      errors: [
        { line: 1, column: 1, endColumn: 7, messageIncludes: ['VACUUM'] },
        { line: 2, column: 1, endColumn: 16, messageIncludes: ['CREATE DATABASE'] },
        { line: 3, column: 1, endColumn: 13, messageIncludes: ['ALTER SYSTEM'] },
      ],
    },
    {
      name: 'REINDEX of a whole schema, with options',
      sql: 'REINDEX (VERBOSE) SCHEMA app;',
      inTransaction: true,
      errors: [{ line: 1, column: 1, endColumn: 25, messageIncludes: ['REINDEX SCHEMA'] }],
    },
    {
      name: 'multi-byte text before the statement keeps columns exact',
      sql: '-- ünïcödé 😀\nBEGIN; DROP DATABASE old_app;\nCOMMIT;',
      errors: [{ messageId: 'explicit', line: 2, column: 8, endColumn: 21, messageIncludes: ['BEGIN on line 2'] }],
    },
  ],
});
