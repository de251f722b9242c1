import { ruleTester } from './tester';

ruleTester('drop-table', {
  valid: [
    { name: 'a table created earlier in the file holds no data', sql: 'CREATE TABLE tmp_import (id bigint);\nDROP TABLE tmp_import;' },
    'DROP VIEW active_users;',
    'DROP INDEX CONCURRENTLY users_email_idx;',
    'DROP SEQUENCE users_id_seq;',
    'TRUNCATE users;',
  ],
  invalid: [
    {
      sql: 'DROP TABLE users;',
      errors: [
        {
          messageId: 'dropTable',
          line: 1, column: 1, endLine: 1, endColumn: 17,
          messageIncludes: ['deletes users with every row', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', 'references by a foreign key'],
        },
      ],
    },
    {
      name: 'several tables, IF EXISTS, CASCADE left to drop-cascade',
      sql: 'DROP TABLE IF EXISTS users, audit.events CASCADE;',
      errors: [{ messageId: 'dropTables', line: 1, column: 1, endLine: 1, endColumn: 41, messageIncludes: ['deletes users and audit.events'] }],
    },
    {
      name: 'only the tables that existed before the file are named',
      sql: 'CREATE TABLE tmp_import (id bigint);\nDROP TABLE tmp_import, legacy_orders RESTRICT;',
      errors: [{ messageId: 'dropTable', line: 2, column: 1, endLine: 2, endColumn: 37, messageIncludes: ['deletes legacy_orders with'] }],
    },
    {
      name: 'ends at the last name, not at a semicolon on a later line',
      sql: 'DROP TABLE users\n;',
      errors: [{ messageId: 'dropTable', line: 1, column: 1, endLine: 1, endColumn: 17 }],
    },
    {
      name: 'multi-byte text before the statement keeps columns exact',
      sql: '/* 😀 */ DROP TABLE "Ünïcode";',
      errors: [{ messageId: 'dropTable', line: 1, column: 10, endLine: 1, endColumn: 30, messageIncludes: ['Ünïcode'] }],
    },
  ],
});
