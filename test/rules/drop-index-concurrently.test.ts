import { ruleTester } from './tester';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_users_email ON users (email);';

ruleTester('drop-index-concurrently', {
  valid: [
    'DROP INDEX CONCURRENTLY IF EXISTS idx_users_email;',
    { name: 'an index on a table created in the same file', sql: 'CREATE TABLE users (id bigint, email text);\nCREATE INDEX idx_users_email ON users (email);\nDROP INDEX idx_users_email;' },
    'DROP TABLE users;',
  ],
  invalid: [
    {
      name: 'the index and its table from the history',
      history: USERS,
      sql: 'DROP INDEX idx_users_email;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 27, messageIncludes: ['ACCESS EXCLUSIVE lock on users, which blocks reads and writes'] }],
    },
    {
      name: 'a primary key from the history',
      history: USERS,
      sql: 'DROP INDEX IF EXISTS users_pkey;',
      errors: [{ messageId: 'backsConstraint', line: 1, column: 1, endColumn: 32, messageIncludes: ['constraint users_pkey on users'] }],
    },
    {
      sql: 'DROP INDEX idx_users_email;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endLine: 1, endColumn: 27, messageIncludes: ["ACCESS EXCLUSIVE lock on the index's table", 'blocks reads and writes'] }],
    },
    {
      name: 'the table comes from the CREATE INDEX earlier in the file; CASCADE stays outside the range',
      sql: 'CREATE INDEX CONCURRENTLY idx_orders_user ON orders (user_id);\nDROP INDEX IF EXISTS idx_orders_user CASCADE;',
      errors: [{ messageId: 'notConcurrent', line: 2, column: 1, endColumn: 37, messageIncludes: ['ACCESS EXCLUSIVE lock on orders', 'idx_orders_user'] }],
    },
    {
      sql: 'DROP INDEX a_idx, app.b_idx;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 28, messageIncludes: ["the indexes' tables", 'a_idx, app.b_idx'] }],
    },
    {
      name: 'the index of a primary key cannot be dropped, concurrently or not',
      sql: 'CREATE TABLE users (id bigint PRIMARY KEY);\nDROP INDEX CONCURRENTLY users_pkey;',
      errors: [{ messageId: 'backsConstraint', line: 2, column: 1, endColumn: 35, messageIncludes: ['constraint users_pkey on users', 'ALTER TABLE users DROP CONSTRAINT users_pkey'] }],
    },
    {
      sql: 'CREATE TABLE t (email text, CONSTRAINT t_email_uniq UNIQUE (email));\nDROP INDEX t_email_uniq;',
      errors: [{ messageId: 'backsConstraint', line: 2, column: 1, endColumn: 24, messageIncludes: ['constraint t_email_uniq on t'] }],
    },
    {
      name: 'an unnamed UNIQUE constraint gets PostgreSQL\'s default index name',
      sql: 'CREATE TABLE app.t (a int, b int, UNIQUE (a, b));\nDROP INDEX app.t_a_b_key;',
      errors: [{ messageId: 'backsConstraint', line: 2, column: 1, endColumn: 25, messageIncludes: ['on app.t'] }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- ünïcødé 😀\nDROP INDEX "😀idx";',
      errors: [{ line: 2, column: 1, endLine: 2, endColumn: 19 }],
    },
    {
      name: 'autofix: CONCURRENTLY IF EXISTS',
      sql: 'DROP INDEX idx_users_email;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'DROP INDEX CONCURRENTLY IF EXISTS idx_users_email;',
    },
    {
      name: 'autofix: IF EXISTS and RESTRICT kept',
      sql: 'drop index if exists app.idx restrict;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'drop index CONCURRENTLY if exists app.idx restrict;',
    },
    {
      name: 'no autofix for several indexes (CONCURRENTLY takes one)',
      sql: 'DROP INDEX a_idx, b_idx;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'DROP INDEX a_idx, b_idx;',
    },
    {
      name: 'no autofix with CASCADE',
      sql: 'DROP INDEX a_idx CASCADE;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'DROP INDEX a_idx CASCADE;',
    },
    {
      name: 'no autofix inside a transaction',
      sql: 'BEGIN;\nDROP INDEX a_idx;\nCOMMIT;',
      errors: [{ messageId: 'notConcurrent', line: 2, column: 1 }],
      output: 'BEGIN;\nDROP INDEX a_idx;\nCOMMIT;',
    },
    {
      name: 'no autofix for an index backing a constraint',
      history: 'CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY);',
      sql: 'DROP INDEX t_pkey;',
      errors: [{ messageId: 'backsConstraint', line: 1, column: 1 }],
      output: 'DROP INDEX t_pkey;',
    },
    {
      name: 'no autofix for the index of a partitioned table (CONCURRENTLY cannot drop it)',
      history: 'CREATE TABLE events (id int) PARTITION BY RANGE (id);\nCREATE INDEX events_id_idx ON events (id);',
      sql: 'DROP INDEX events_id_idx;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'DROP INDEX events_id_idx;',
    },
  ],
});
