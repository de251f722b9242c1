import { ruleTester } from './tester';

ruleTester('duplicate-version', {
  valid: [
    { name: 'distinct versions', files: { 'V1__users.sql': 'SELECT 1;' }, path: 'V2__orgs.sql', sql: 'SELECT 2;' },
    { name: 'the first of two files with one version', files: { 'V2__orgs.sql': 'SELECT 2;' }, path: 'V2__accounts.sql', sql: 'SELECT 3;' },
    { name: 'repeatable migrations have no version', files: { 'R__views.sql': 'SELECT 1;' }, path: 'R__functions.sql', sql: 'SELECT 2;' },
    { name: 'up and down of one version', files: { '1_users.down.sql': 'SELECT 1;' }, path: '1_users.up.sql', sql: 'SELECT 2;' },
    { name: 'plain files are not recorded by version', framework: 'plain', files: { '001-a.sql': 'SELECT 1;' }, path: '001-b.sql', sql: 'SELECT 2;' },
    { name: 'without a history nothing is known', sql: 'SELECT 1;' },
  ],
  invalid: [
    {
      name: 'Flyway: a second V2',
      files: { 'V1__users.sql': 'SELECT 1;', 'V2__orgs.sql': 'SELECT 2;' },
      path: 'V2__teams.sql',
      sql: 'CREATE TABLE teams (id bigint);\n',
      errors: [{ messageId: 'duplicate', line: 1, column: 1, endLine: 1, endColumn: 32, messageIncludes: ['Version 2 is also the version of V2__orgs.sql', 'Flyway records applied migrations by version'] }],
    },
    {
      name: 'golang-migrate: two ups with one timestamp',
      files: { 'db/20240101120000_users.up.sql': 'SELECT 1;', 'db/20240101120000_users.down.sql': 'SELECT 1;' },
      path: 'db/20240101120000_z_orgs.up.sql',
      sql: '-- orgs\nCREATE TABLE orgs (id bigint);',
      errors: [{ messageId: 'duplicate', line: 1, column: 1, endLine: 1, endColumn: 8, messageIncludes: ['db/20240101120000_users.up.sql', 'golang-migrate'] }],
    },
  ],
});
