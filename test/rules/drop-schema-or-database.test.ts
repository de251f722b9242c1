import { ruleTester } from './tester';

ruleTester('drop-schema-or-database', {
  valid: [
    { name: 'a schema created earlier in the file', sql: 'CREATE SCHEMA staging;\nCREATE TABLE staging.t (id bigint);\nDROP SCHEMA staging CASCADE;' },
    { name: 'a database created earlier in the file', sql: 'CREATE DATABASE scratch;\nDROP DATABASE scratch;' },
    { name: 'without CASCADE it only drops an empty schema', sql: 'DROP SCHEMA legacy;' },
    'DROP TABLE legacy.orders;',
    'DROP EXTENSION IF EXISTS postgis;',
  ],
  invalid: [
    {
      sql: 'DROP SCHEMA IF EXISTS legacy, archive CASCADE;',
      errors: [
        {
          messageId: 'dropSchemaCascade',
          line: 1, column: 1, endLine: 1, endColumn: 38,
          messageIncludes: ['legacy and archive CASCADE deletes every table', 'ACCESS EXCLUSIVE lock on each table', 'blocks reads and writes'],
        },
      ],
    },
    {
      name: 'only schemas that existed before the file',
      sql: 'CREATE SCHEMA staging;\nDROP SCHEMA staging, other CASCADE;',
      errors: [{ messageId: 'dropSchemaCascade', line: 2, column: 1, endLine: 2, endColumn: 27, messageIncludes: ['DROP SCHEMA other CASCADE'] }],
    },
    {
      sql: 'DROP DATABASE analytics;',
      errors: [{ messageId: 'dropDatabase', line: 1, column: 1, endLine: 1, endColumn: 24, messageIncludes: ['deletes the whole database', 'cannot run inside a transaction'] }],
    },
    {
      name: 'WITH (FORCE) is not part of the range',
      sql: 'DROP DATABASE IF EXISTS analytics WITH (FORCE);',
      errors: [{ messageId: 'dropDatabase', line: 1, column: 1, endLine: 1, endColumn: 34 }],
    },
    {
      name: 'multi-byte name, (FORCE) without WITH',
      sql: 'DROP DATABASE "ünï" (FORCE);',
      errors: [{ messageId: 'dropDatabase', line: 1, column: 1, endLine: 1, endColumn: 20, messageIncludes: ['DROP DATABASE ünï'] }],
    },
  ],
});
