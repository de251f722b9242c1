import { fixTester } from './fix-check';
import { ruleTester } from './tester';

const config = { rules: { 'idempotent-ddl': 'info' as const } };

ruleTester('idempotent-ddl', {
  valid: [
    { name: 'off by default', sql: 'CREATE TABLE users (id bigint);' },
    { config, sql: 'CREATE TABLE IF NOT EXISTS users (id bigint);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_id_idx ON users (id);' },
    { config, sql: 'CREATE SEQUENCE IF NOT EXISTS s; CREATE SCHEMA IF NOT EXISTS audit; CREATE EXTENSION IF NOT EXISTS pgcrypto;' },
    { config, sql: "CREATE OR REPLACE VIEW v AS SELECT 1;\nCREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';" },
    { config, sql: 'ALTER TABLE t ADD COLUMN IF NOT EXISTS b int, DROP COLUMN IF EXISTS d, DROP CONSTRAINT IF EXISTS k, ADD CONSTRAINT z CHECK (b > 0);' },
    { config, sql: 'DROP TABLE IF EXISTS a, b; DROP INDEX CONCURRENTLY IF EXISTS i; DROP DATABASE IF EXISTS d;' },
    { config, name: 'temporary tables live for one session', sql: 'CREATE TEMP TABLE import (line text);' },
    { config, name: 'a failed migration in a transaction rolls back and can be retried', sql: 'BEGIN;\nCREATE TABLE users (id bigint);\nCOMMIT;' },
    { config, name: 'the runner wraps the file in a transaction', inTransaction: true, sql: 'CREATE TABLE users (id bigint);' },
    { config, name: 'CREATE OR REPLACE TRIGGER needs PostgreSQL 14', pg: 13, sql: 'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();' },
    { config, name: 'constraint triggers cannot be replaced', sql: 'CREATE CONSTRAINT TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();' },
  ],
  invalid: [
    {
      config,
      sql: 'CREATE TABLE app.users (id bigint);',
      errors: [{ messageId: 'ifNotExists', line: 1, column: 1, endLine: 1, endColumn: 23, messageIncludes: ['CREATE TABLE without IF NOT EXISTS', 'run again'] }],
    },
    {
      config,
      sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);',
      errors: [{ messageId: 'ifNotExists', line: 1, column: 1, endLine: 1, endColumn: 49, messageIncludes: ['CREATE UNIQUE INDEX CONCURRENTLY without'] }],
    },
    {
      config,
      sql: 'CREATE INDEX ON users (email);',
      errors: [{ messageId: 'unnamedIndex', line: 1, column: 1, endLine: 1, endColumn: 13, messageIncludes: ['second copy of the index'] }],
    },
    {
      config,
      sql: 'CREATE SEQUENCE s; CREATE SCHEMA audit; CREATE EXTENSION pgcrypto;',
      errors: [
        { messageId: 'ifNotExists', line: 1, column: 1, endLine: 1, endColumn: 18 },
        { messageId: 'ifNotExists', line: 1, column: 20, endLine: 1, endColumn: 39, messageIncludes: ['CREATE SCHEMA'] },
        { messageId: 'ifNotExists', line: 1, column: 41, endLine: 1, endColumn: 66, messageIncludes: ['CREATE EXTENSION'] },
      ],
    },
    {
      config,
      sql: 'CREATE MATERIALIZED VIEW m AS SELECT 1; CREATE TABLE q AS SELECT 1;',
      errors: [
        { messageId: 'ifNotExists', line: 1, column: 1, endLine: 1, endColumn: 27, messageIncludes: ['CREATE MATERIALIZED VIEW'] },
        { messageId: 'ifNotExists', line: 1, column: 41, endLine: 1, endColumn: 55, messageIncludes: ['CREATE TABLE … AS'] },
      ],
    },
    {
      config,
      sql: "CREATE VIEW v AS SELECT 1;\nCREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'select 1';\nCREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();",
      errors: [
        { messageId: 'orReplace', line: 1, column: 1, endLine: 1, endColumn: 14, messageIncludes: ['CREATE VIEW without OR REPLACE'] },
        { messageId: 'orReplace', line: 2, column: 1, endLine: 2, endColumn: 22 },
        { messageId: 'orReplace', line: 3, column: 1, endLine: 3, endColumn: 18 },
      ],
    },
    {
      config,
      name: 'ALTER TABLE subcommands, with and without the optional COLUMN',
      sql: 'ALTER TABLE t ADD COLUMN b int, ADD c int, DROP COLUMN d, DROP e, DROP CONSTRAINT k, ADD CONSTRAINT z CHECK (b > 0);',
      errors: [
        { messageId: 'ifNotExists', line: 1, column: 15, endLine: 1, endColumn: 27, messageIncludes: ['ADD COLUMN without IF NOT EXISTS'] },
        { messageId: 'ifNotExists', line: 1, column: 33, endLine: 1, endColumn: 38, messageIncludes: ['ADD COLUMN without IF NOT EXISTS'] },
        { messageId: 'ifExists', line: 1, column: 44, endLine: 1, endColumn: 57 },
        { messageId: 'ifExists', line: 1, column: 59, endLine: 1, endColumn: 65, messageIncludes: ['DROP COLUMN without IF EXISTS'] },
        { messageId: 'ifExists', line: 1, column: 67, endLine: 1, endColumn: 84, messageIncludes: ['DROP CONSTRAINT without IF EXISTS'] },
      ],
    },
    {
      config,
      sql: 'DROP TABLE a, b CASCADE; DROP INDEX CONCURRENTLY i; DROP MATERIALIZED VIEW m; DROP DATABASE d;',
      errors: [
        { messageId: 'ifExists', line: 1, column: 1, endLine: 1, endColumn: 16, messageIncludes: ['DROP TABLE without IF EXISTS'] },
        { messageId: 'ifExists', line: 1, column: 26, endLine: 1, endColumn: 51, messageIncludes: ['DROP INDEX CONCURRENTLY'] },
        { messageId: 'ifExists', line: 1, column: 53, endLine: 1, endColumn: 77 },
        { messageId: 'ifExists', line: 1, column: 79, endLine: 1, endColumn: 94, messageIncludes: ['DROP DATABASE'] },
      ],
    },
    {
      config,
      name: 'multi-byte text before the statement keeps columns exact',
      sql: '-- ü 😀\nCREATE TABLE "Ünï" (id bigint);',
      errors: [{ messageId: 'ifNotExists', line: 2, column: 1, endLine: 2, endColumn: 19 }],
    },
  ],
});

fixTester('idempotent-ddl', 'autofix', [
  { sql: 'CREATE TABLE app.users (id bigint);', output: 'CREATE TABLE IF NOT EXISTS app.users (id bigint);' },
  { sql: 'CREATE UNIQUE INDEX CONCURRENTLY i ON t (a);', output: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);' },
  { sql: 'CREATE SEQUENCE app.s START 10;', output: 'CREATE SEQUENCE IF NOT EXISTS app.s START 10;' },
  { sql: 'CREATE SCHEMA AUTHORIZATION joe;', output: 'CREATE SCHEMA IF NOT EXISTS AUTHORIZATION joe;' },
  { sql: 'CREATE EXTENSION "uuid-ossp";', output: 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp";' },
  { sql: 'CREATE MATERIALIZED VIEW m AS SELECT 1;', output: 'CREATE MATERIALIZED VIEW IF NOT EXISTS m AS SELECT 1;' },
  { sql: 'CREATE RECURSIVE VIEW v (n) AS SELECT 1;', output: 'CREATE OR REPLACE RECURSIVE VIEW v (n) AS SELECT 1;' },
  { sql: 'create function f() returns int language sql as $$ select 1 $$;', output: 'create OR REPLACE function f() returns int language sql as $$ select 1 $$;' },
  { sql: 'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();', output: 'CREATE OR REPLACE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();' },
  { sql: 'ALTER TABLE t ADD b int;', output: 'ALTER TABLE t ADD IF NOT EXISTS b int;' },
  { sql: 'ALTER TABLE t DROP COLUMN b;', output: 'ALTER TABLE t DROP COLUMN IF EXISTS b;' },
  { sql: 'ALTER TABLE t DROP CONSTRAINT t_b_check;', output: 'ALTER TABLE t DROP CONSTRAINT IF EXISTS t_b_check;' },
  { sql: 'DROP INDEX CONCURRENTLY app.i;', output: 'DROP INDEX CONCURRENTLY IF EXISTS app.i;' },
  { sql: 'DROP MATERIALIZED VIEW m, n CASCADE;', output: 'DROP MATERIALIZED VIEW IF EXISTS m, n CASCADE;' },
  { sql: 'DROP FUNCTION f(int);', output: 'DROP FUNCTION IF EXISTS f(int);' },
  { sql: 'DROP TRIGGER tr ON t;', output: 'DROP TRIGGER IF EXISTS tr ON t;' },
  { sql: 'DROP DATABASE d WITH (FORCE);', output: 'DROP DATABASE IF EXISTS d WITH (FORCE);' },
]);
