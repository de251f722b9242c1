import { ruleTester } from './tester';

ruleTester('statement-timeout', {
  valid: [
    "SET statement_timeout = '5min';\nCREATE INDEX i ON users (a);",
    { name: 'the runner sets it (configuration)', sql: 'ALTER TABLE users ALTER COLUMN a TYPE bigint;', config: { statementTimeout: '10min' } },
    { name: 'metadata-only ADD COLUMN', sql: 'ALTER TABLE users ADD COLUMN a int;' },
    { name: 'a constant default needs no rewrite on 11+', sql: 'ALTER TABLE users ADD COLUMN a int NOT NULL DEFAULT 0;' },
    { name: 'a batch', sql: 'UPDATE users SET a = 1 WHERE id BETWEEN 1 AND 1000;' },
    { name: 'a table created in the file', sql: 'CREATE TABLE t (id int);\nCREATE INDEX i ON t (id);\nINSERT INTO t SELECT 1;' },
    { name: 'NOT VALID skips the scan', sql: 'ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) NOT VALID;' },
    { name: 'ANALYZE reads a sample', sql: 'ANALYZE users;' },
    { name: 'widening a varchar is catalog-only', history: 'CREATE TABLE users (name varchar(20));', sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(40);' },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX CONCURRENTLY i ON users (a);',
      errors: [{ messageId: 'missing', line: 1, column: 1, endColumn: 37, messageIncludes: ['builds an index on users', 'while holding a SHARE UPDATE EXCLUSIVE lock on users'] }],
    },
    {
      history: 'CREATE TABLE users (id int);',
      sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
      errors: [{ line: 1, column: 1, endColumn: 18, messageIncludes: ['rewrites users and its indexes'] }],
    },
    {
      name: 'reported once per file',
      sql: 'ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0);\nVACUUM FULL orders;',
      errors: [{ line: 1, column: 1, endColumn: 18, messageIncludes: ['scans all of users'] }],
    },
    {
      name: 'any non-null default rewrites before PostgreSQL 11',
      sql: 'ALTER TABLE users ADD COLUMN a int DEFAULT 0;',
      pg: 10,
      errors: [{ line: 1, column: 1, endColumn: 18, messageIncludes: ['rewrites users'] }],
    },
    { sql: 'UPDATE users SET a = 0;', errors: [{ line: 1, column: 1, endColumn: 13, messageIncludes: ['updates every row of users'] }] },
    { sql: 'INSERT INTO archive SELECT * FROM events;', errors: [{ line: 1, column: 1, endColumn: 41, messageIncludes: ['copies the rows of events'] }] },
    {
      name: 'zero disables the timeout',
      sql: 'SET statement_timeout = 0;\nCLUSTER users USING users_pkey;',
      errors: [{ line: 2, column: 1, endColumn: 14, messageIncludes: ['rewrites users and its indexes'] }],
    },
  ],
});
