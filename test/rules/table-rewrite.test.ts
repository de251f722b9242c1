import { ruleTester } from './tester';

ruleTester('table-rewrite', {
  valid: [
    'VACUUM ANALYZE users;',
    'VACUUM (FULL false, ANALYZE) users;',
    { name: 'a table created in the same file', sql: 'CREATE TABLE users (id int);\nVACUUM FULL users;\nALTER TABLE users SET UNLOGGED;\nCLUSTER users USING users_pkey;' },
    {
      name: 'a partitioned table has no storage: SET TABLESPACE only sets a default',
      sql: "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nALTER TABLE events SET TABLESPACE archive;",
    },
    'ALTER TABLE users SET (fillfactor = 70);',
  ],
  invalid: [
    {
      sql: 'VACUUM FULL users;',
      errors: [{ messageId: 'rewrite', line: 1, column: 1, endColumn: 18, messageIncludes: ['VACUUM FULL rewrites users', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes'] }],
    },
    {
      sql: 'VACUUM (FULL, VERBOSE) app.users, orders;',
      errors: [{ line: 1, column: 1, endColumn: 41, messageIncludes: ['rewrites app.users, orders'] }],
    },
    {
      sql: 'VACUUM FULL;',
      errors: [{ line: 1, column: 1, endColumn: 12, messageIncludes: ['every table in the database'] }],
    },
    {
      sql: 'CLUSTER users USING users_created_at_idx;',
      errors: [{ line: 1, column: 1, endColumn: 14, messageIncludes: ['CLUSTER rewrites users'] }],
    },
    {
      name: 'each rewriting subcommand gets its own range',
      sql: 'ALTER TABLE users\n  SET TABLESPACE fast_ssd,\n  SET LOGGED;',
      errors: [
        { line: 2, column: 3, endLine: 2, endColumn: 26, messageIncludes: ['SET TABLESPACE rewrites users'] },
        { line: 3, column: 3, endLine: 3, endColumn: 13, messageIncludes: ['SET LOGGED rewrites users'] },
      ],
    },
    {
      sql: '/* 😀 */ ALTER TABLE "ünlogged" SET UNLOGGED;',
      errors: [{ line: 1, column: 33, endColumn: 45, messageIncludes: ['SET UNLOGGED rewrites ünlogged'] }],
    },
    {
      sql: 'ALTER MATERIALIZED VIEW daily_totals SET ACCESS METHOD heap2;',
      errors: [{ line: 1, column: 38, endColumn: 61, messageIncludes: ['SET ACCESS METHOD rewrites daily_totals'] }],
    },
    {
      sql: 'ALTER TABLE ALL IN TABLESPACE old_disk SET TABLESPACE new_disk;',
      errors: [{ line: 1, column: 1, endColumn: 63, messageIncludes: ['every table in tablespace old_disk'] }],
    },
  ],
});
