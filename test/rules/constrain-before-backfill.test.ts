import { ruleTester } from './tester';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, name text, email text);';
const CHECKED = `${USERS}\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;`;

ruleTester('constrain-before-backfill', {
  valid: [
    { name: 'the backfill ran in an earlier migration', history: [USERS, 'UPDATE users SET email = lower(name) WHERE email IS NULL;'], sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    { name: 'no backfill anywhere (set-not-null covers the scan)', history: [USERS], sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    { name: 'a backfill of another column', history: USERS, sql: 'UPDATE users SET name = email;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;' },
    { name: 'a CHECK added NOT VALID is not validated yet', history: USERS, sql: 'UPDATE users SET email = lower(name);\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;' },
    { name: 'a CHECK that does not require the column to be filled', history: USERS, sql: 'UPDATE users SET email = lower(email);\nALTER TABLE users ADD CONSTRAINT users_email_lower CHECK (email = lower(email));' },
    { name: 'inserts that leave out a column with a default get the default', history: USERS, sql: "ALTER TABLE users ALTER COLUMN email SET DEFAULT '';\nUPDATE users SET email = '' WHERE email IS NULL;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;" },
    {
      name: 'a later UPDATE after an earlier backfill is a fix, not the backfill',
      files: { '001_users.sql': USERS, '002_backfill.sql': "UPDATE users SET email = '';", '004_fix.sql': "UPDATE users SET email = 'x' WHERE email = '';" },
      path: '003_not_null.sql',
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
    { name: 'a table created in this migration', sql: 'CREATE TABLE t (a text);\nUPDATE t SET a = \'x\';\nALTER TABLE t ALTER COLUMN a SET NOT NULL;' },
  ],
  invalid: [
    {
      name: 'SET NOT NULL in the same migration as the backfill',
      history: USERS,
      sql: 'UPDATE users SET email = lower(name) WHERE email IS NULL;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ messageId: 'sameMigration', line: 2, column: 19, endLine: 2, endColumn: 50, messageIncludes: ['SET NOT NULL on users.email', 'the backfill that fills it (line 1)'] }],
    },
    {
      name: 'VALIDATE before the backfill, in the same migration',
      history: CHECKED,
      sql: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nUPDATE users SET email = lower(name) WHERE email IS NULL;',
      errors: [{ messageId: 'sameMigration', line: 1, column: 19, messageIncludes: ['VALIDATE CONSTRAINT users_email_nn on users.email', '(line 2)'] }],
    },
    {
      name: 'a CHECK validated at once, with a backfill in a DO block',
      history: USERS,
      sql: "DO $$ BEGIN UPDATE users SET email = name || '@example.com' WHERE email IS NULL; END $$;\nALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL);",
      errors: [{ messageId: 'sameMigration', line: 2, column: 19, messageIncludes: ['ADD CONSTRAINT users_email_nn on users.email'] }],
    },
    {
      name: 'SET NOT NULL in a migration that runs before the backfill',
      files: { '001_users.sql': USERS, '003_backfill.sql': 'UPDATE users SET email = lower(name) WHERE email IS NULL;' },
      path: '002_email_not_null.sql',
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ messageId: 'beforeBackfill', line: 1, column: 19, messageIncludes: ['runs before the backfill that fills it (003_backfill.sql)'] }],
    },
  ],
});
