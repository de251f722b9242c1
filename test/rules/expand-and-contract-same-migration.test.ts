import { ruleTester } from './tester';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, fullname text, email text);';

ruleTester('expand-and-contract-same-migration', {
  valid: [
    { name: 'the expand alone', history: USERS, sql: 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;' },
    {
      name: 'the contract alone, in a later migration',
      history: [USERS, 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;'],
      sql: 'ALTER TABLE users DROP COLUMN fullname;',
    },
    { name: 'a new column unrelated to the dropped one', history: USERS, sql: 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users DROP COLUMN fullname;' },
    { name: 'a table created in this migration holds no data', sql: 'CREATE TABLE t (a text, b text);\nUPDATE t SET b = a;\nALTER TABLE t DROP COLUMN a;' },
    { name: 'a copy of a table that stays', history: USERS, sql: 'CREATE TABLE users_archive (id bigint, email text);\nINSERT INTO users_archive SELECT id, email FROM users;' },
  ],
  invalid: [
    {
      name: 'add, copy and drop in one migration',
      history: USERS,
      sql: 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;\nALTER TABLE users DROP COLUMN fullname;',
      errors: [
        {
          messageId: 'column', line: 3, column: 19, endLine: 3, endColumn: 39,
          messageIncludes: ['adds full_name, fills it from fullname and then drops users.fullname', 'no release runs with both'],
        },
      ],
    },
    {
      name: 'add and rename the original away in one migration',
      history: USERS,
      sql: 'ALTER TABLE users ADD COLUMN full_name text;\nUPDATE users SET full_name = fullname;\nALTER TABLE users RENAME COLUMN fullname TO fullname_old;',
      errors: [{ messageId: 'column', line: 3, column: 1, messageIncludes: ['then renames users.fullname'] }],
    },
    {
      name: 'a swap: the new column takes the old name in the same migration',
      history: [USERS],
      sql: 'ALTER TABLE users ADD COLUMN email_v2 varchar(320);\nALTER TABLE users DROP COLUMN email;\nALTER TABLE users RENAME COLUMN email_v2 TO email;',
      errors: [{ messageId: 'column', line: 2, column: 19, messageIncludes: ['adds email_v2', 'drops users.email'] }],
    },
    {
      name: 'a table copied and dropped in one migration',
      history: USERS,
      sql: 'CREATE TABLE users_v2 (id bigint, email text);\nINSERT INTO users_v2 SELECT id, email FROM users;\nDROP TABLE users;',
      errors: [{ messageId: 'table', line: 3, column: 1, messageIncludes: ['creates users_v2, copies users into it and then drops users'] }],
    },
  ],
});
