import { ruleTester } from './tester';

ruleTester('drop-cascade', {
  valid: [
    'DROP TABLE users;',
    'DROP TABLE users RESTRICT;',
    'TRUNCATE users;',
    'ALTER TABLE users DROP COLUMN org_id;',
    { name: 'a table created earlier in the file has no dependents from before it', sql: 'CREATE TABLE tmp (id bigint);\nDROP TABLE tmp CASCADE;' },
    { name: 'nor does a column of such a table', sql: 'CREATE TABLE tmp (id bigint, a int);\nALTER TABLE tmp DROP COLUMN a CASCADE;' },
  ],
  invalid: [
    {
      sql: 'DROP TABLE users CASCADE;',
      errors: [
        {
          messageId: 'cascade',
          line: 1, column: 18, endLine: 1, endColumn: 25,
          messageIncludes: ['depends on users', 'views, foreign keys', 'ACCESS EXCLUSIVE lock', 'blocks reads and writes'],
        },
      ],
    },
    {
      sql: 'DROP VIEW active_users, recent_users CASCADE;',
      errors: [{ messageId: 'cascade', line: 1, column: 38, endLine: 1, endColumn: 45, messageIncludes: ['depends on active_users and recent_users'] }],
    },
    {
      sql: 'TRUNCATE orgs, audit.events CASCADE;',
      errors: [{ messageId: 'truncateCascade', line: 1, column: 29, endLine: 1, endColumn: 36, messageIncludes: ['foreign key to orgs and audit.events', 'loses all its rows'] }],
    },
    {
      name: 'each CASCADE of an ALTER TABLE at its own clause',
      sql: 'ALTER TABLE users DROP COLUMN org_id CASCADE, DROP CONSTRAINT users_org_fk CASCADE;',
      errors: [
        { messageId: 'cascade', line: 1, column: 38, endLine: 1, endColumn: 45, messageIncludes: ['column org_id of users'] },
        { messageId: 'cascade', line: 1, column: 76, endLine: 1, endColumn: 83, messageIncludes: ['constraint users_org_fk of users'] },
      ],
    },
    {
      sql: 'ALTER DOMAIN email DROP CONSTRAINT email_check CASCADE;',
      errors: [{ messageId: 'cascade', line: 1, column: 48, endLine: 1, endColumn: 55, messageIncludes: ['constraint email_check'] }],
    },
    {
      sql: 'DROP OWNED BY legacy_app CASCADE;',
      errors: [{ messageId: 'cascade', line: 1, column: 26, endLine: 1, endColumn: 33, messageIncludes: ['everything owned by legacy_app'] }],
    },
    {
      name: 'functions: CASCADE drops the triggers that call them',
      sql: 'DROP FUNCTION audit.touch() CASCADE;',
      errors: [{ messageId: 'cascade', line: 1, column: 29, endLine: 1, endColumn: 36, messageIncludes: ['depends on audit.touch'] }],
    },
    { sql: 'DROP TYPE mood CASCADE;', errors: [{ messageId: 'cascade', line: 1, column: 16, endLine: 1, endColumn: 23, messageIncludes: ['depends on mood'] }] },
    {
      name: 'multi-byte text before the keyword keeps columns exact',
      sql: '-- ü 😀\nDROP SCHEMA "Ärchive" CASCADE;',
      errors: [{ messageId: 'cascade', line: 2, column: 23, endLine: 2, endColumn: 30, messageIncludes: ['Ärchive'] }],
    },
  ],
});
