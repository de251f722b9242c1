import { ruleTester } from './tester';

ruleTester('missing-down-migration', {
  valid: [
    { name: 'golang-migrate with its down', files: { '1_users.down.sql': 'DROP TABLE users;' }, path: '1_users.up.sql', sql: 'CREATE TABLE users (id bigint);' },
    { name: 'dbmate with a down section', files: {}, path: '20240101000000_users.sql', sql: '-- migrate:up\nCREATE TABLE users (id bigint);\n-- migrate:down\nDROP TABLE users;\n' },
    { name: 'Flyway without undo migrations at all', files: { 'V1__a.sql': 'SELECT 1;' }, path: 'V2__b.sql', sql: 'SELECT 2;' },
    { name: 'Prisma has no downs', files: { 'prisma/migrations/migration_lock.toml': 'provider = "postgresql"' }, path: 'prisma/migrations/20240101000000_init/migration.sql', sql: 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);' },
    { name: 'without a history nothing is known', sql: 'CREATE TABLE users (id bigint);' },
    {
      name: 'a down that says there is nothing to undo',
      files: { '1_fill.down.sql': '-- Nothing to undo: the backfill only filled a column that the previous down drops.\n' },
      path: '1_fill.up.sql',
      sql: "UPDATE users SET plan = 'free' WHERE plan IS NULL;",
    },
    { name: 'dbmate down section saying it is a no-op', files: {}, path: '20240101000000_fill.sql', sql: "-- migrate:up\nUPDATE users SET plan = 'free';\n-- migrate:down\n-- no-op: nothing to revert\n" },
  ],
  invalid: [
    {
      name: 'golang-migrate up without a down file',
      files: { '1_users.up.sql': 'SELECT 1;', '1_users.down.sql': 'SELECT 1;' },
      path: '2_orgs.up.sql',
      sql: 'CREATE TABLE orgs (id bigint);',
      errors: [{ messageId: 'missing', line: 1, column: 1, endLine: 1, endColumn: 31, messageIncludes: ['Version 2 has no down migration (a .down.sql file)', 'golang-migrate'] }],
    },
    {
      name: 'diesel down.sql with only a comment',
      files: { 'migrations/2024-01-01-000000_users/down.sql': '-- This file should undo anything in `up.sql`\n' },
      path: 'migrations/2024-01-01-000000_users/up.sql',
      sql: 'CREATE TABLE users (id bigint);',
      errors: [{ messageId: 'empty', line: 1, column: 1, messageIncludes: ['migrations/2024-01-01-000000_users/down.sql) has no statements'] }],
    },
    {
      name: 'dbmate without a down section',
      files: {},
      path: '20240101000000_users.sql',
      sql: '-- migrate:up\nCREATE TABLE users (id bigint);\n',
      errors: [{ messageId: 'missing', line: 1, column: 1, messageIncludes: ['a -- migrate:down section'] }],
    },
    {
      name: 'Flyway with undo migrations, one missing',
      files: { 'V1__a.sql': 'SELECT 1;', 'U1__a.sql': 'SELECT 1;' },
      path: 'V2__b.sql',
      sql: 'SELECT 2;',
      errors: [{ messageId: 'missing', line: 1, column: 1, messageIncludes: ['an undo migration'] }],
    },
  ],
});
