import { ruleTester } from './tester';

const merged = (...versions: string[]) => ({ versions: new Set(versions) });
const GOLANG = { '1_users.up.sql': 'SELECT 1;', '3_orgs.up.sql': 'SELECT 3;' };

ruleTester('out-of-order-version', {
  valid: [
    { name: 'the newest version', files: GOLANG, path: '4_teams.up.sql', sql: 'SELECT 4;', applied: merged('1', '3') },
    { name: 'a version already merged', files: GOLANG, path: '2_b.up.sql', sql: 'SELECT 2;', applied: merged('1', '2', '3') },
    { name: 'nothing known about what is merged', files: GOLANG, path: '2_b.up.sql', sql: 'SELECT 2;' },
    { name: 'Liquibase numbers changesets itself', framework: 'liquibase', files: {}, path: 'changelog.sql', sql: '--liquibase formatted sql\n--changeset a:1\nSELECT 1;', applied: merged('000009') },
  ],
  invalid: [
    {
      name: 'golang-migrate never applies an older version',
      files: GOLANG,
      path: '2_teams.up.sql',
      sql: 'CREATE TABLE teams (id bigint);',
      applied: merged('1', '3'),
      errors: [{ messageId: 'outOfOrder', line: 1, column: 1, endLine: 1, endColumn: 32, messageIncludes: ['Version 2 sorts before 3', 'golang-migrate never applies it'] }],
    },
    {
      name: 'Flyway refuses unless outOfOrder',
      files: { 'V1__a.sql': 'SELECT 1;', 'V1_10__c.sql': 'SELECT 3;' },
      path: 'V1_9__b.sql',
      sql: 'SELECT 2;',
      applied: merged('1', '1.10'),
      errors: [{ messageId: 'outOfOrder', line: 1, column: 1, messageIncludes: ['Version 1.9 sorts before 1.10', 'outOfOrder'] }],
    },
    {
      name: 'diesel applies it, in another order than fresh databases',
      files: { 'migrations/2024-01-03-000000_b/up.sql': 'SELECT 1;', 'migrations/2024-01-03-000000_b/down.sql': 'SELECT 1;' },
      path: 'migrations/2024-01-02-000000_a/up.sql',
      sql: 'SELECT 2;',
      applied: merged('20240103000000'),
      errors: [{ messageId: 'outOfOrder', line: 1, column: 1, messageIncludes: ['the two orders must give the same schema'] }],
    },
  ],
});
