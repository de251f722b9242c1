import { flywayChecksum } from '../../server/src/engine/history/checksum';
import { ruleTester } from './tester';

const ORIGINAL = 'CREATE TABLE users (id bigint);\n';
const base = (path: string, text: string) => ({ versions: new Set(['1']), contentByPath: new Map([[path, text]]) });

ruleTester('modified-applied-migration', {
  valid: [
    { name: 'unchanged', files: {}, path: '1_users.up.sql', sql: ORIGINAL, applied: base('1_users.up.sql', ORIGINAL) },
    { name: 'only line endings differ', files: {}, path: '1_users.up.sql', sql: ORIGINAL, applied: base('1_users.up.sql', ORIGINAL.replace(/\n/g, '\r\n')) },
    { name: 'a new migration has no merged content', files: {}, path: '2_orgs.up.sql', sql: 'SELECT 1;', applied: base('1_users.up.sql', ORIGINAL) },
    {
      name: 'dbmate: only the down section changed',
      files: {},
      path: '20240101000000_users.sql',
      sql: `-- migrate:up\n${ORIGINAL}-- migrate:down\nDROP TABLE users CASCADE;\n`,
      applied: base('20240101000000_users.sql', `-- migrate:up\n${ORIGINAL}-- migrate:down\nDROP TABLE users;\n`),
    },
    { name: 'Flyway: the recorded checksum matches', files: {}, path: 'V1__users.sql', sql: ORIGINAL, applied: { versions: new Set(['1']), checksumByVersion: new Map([['1', flywayChecksum(ORIGINAL)]]) } },
  ],
  invalid: [
    {
      name: 'a merged migration edited',
      files: {},
      path: '1_users.up.sql',
      sql: 'CREATE TABLE users (id bigint, email text);\n',
      applied: base('1_users.up.sql', ORIGINAL),
      errors: [{ messageId: 'changedSinceMerge', line: 1, column: 1, endLine: 1, endColumn: 44, messageIncludes: ['differs from the version already merged'] }],
    },
    {
      name: 'Flyway: edited after it was applied',
      files: {},
      path: 'V1__users.sql',
      sql: 'CREATE TABLE users (id bigint, email text);\n',
      applied: { versions: new Set(['1']), checksumByVersion: new Map([['1', flywayChecksum(ORIGINAL)]]) },
      errors: [{ messageId: 'checksum', line: 1, column: 1, messageIncludes: [`(${flywayChecksum(ORIGINAL)})`, 'flyway_schema_history'] }],
    },
  ],
});
