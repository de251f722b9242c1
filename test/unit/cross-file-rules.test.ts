/**
 * Rules that read the replayed model, linted across migration files through the history layer: a
 * table from an earlier migration is an existing table, a CHECK validated two migrations ago proves
 * NOT NULL, the old type of a column comes from the migration that declared it, and an index created
 * in an earlier migration serves a new foreign key.
 */
import { ruleTester } from '../rules/tester';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, age integer, name varchar(50));';

ruleTester('create-index-concurrently', {
  valid: [{ name: 'a table created earlier in the same migration', history: ['SELECT 1;'], sql: `${USERS}\nCREATE INDEX users_email ON users (email);` }],
  invalid: [
    {
      name: 'a table created in an earlier migration holds data',
      history: [USERS],
      sql: 'CREATE INDEX users_email ON users (email);',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
    },
  ],
});

ruleTester('set-not-null', {
  valid: [
    {
      name: 'a CHECK validated in an earlier migration proves the column on PostgreSQL 12+',
      history: [USERS, 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;', 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;'],
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    },
  ],
  invalid: [
    {
      name: 'the CHECK from an earlier migration was never validated',
      history: [USERS, 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;'],
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ messageId: 'unvalidatedCheck', line: 1, column: 19 }],
    },
    {
      name: 'PostgreSQL 11 ignores the validated CHECK',
      pg: 11,
      history: [USERS, 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;', 'ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;'],
      sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
      errors: [{ messageId: 'checkIgnored', line: 1, column: 19 }],
    },
  ],
});

ruleTester('alter-column-type', {
  valid: [
    { name: 'widening the varchar an earlier migration declared', history: [USERS], sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(100);' },
    { name: 'the type as an intermediate migration left it', history: [USERS, 'ALTER TABLE users ALTER COLUMN age TYPE bigint;'], sql: 'ALTER TABLE users ALTER COLUMN age TYPE bigint;' },
  ],
  invalid: [
    {
      name: 'shrinking the varchar an earlier migration declared',
      history: [USERS],
      sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(20);',
      errors: [{ messageId: 'rewrite', line: 1, column: 19, messageIncludes: ['from varchar(50) to varchar(20)'] }],
    },
  ],
});

ruleTester('fk-missing-index', {
  valid: [
    {
      name: 'an index from an earlier migration leads with the foreign key columns',
      history: ['CREATE TABLE orgs (id bigint PRIMARY KEY);', `${USERS}\nALTER TABLE users ADD COLUMN org_id bigint;`, 'CREATE INDEX CONCURRENTLY users_org ON users (org_id, id);'],
      sql: 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;',
    },
  ],
  invalid: [
    {
      name: 'the index an earlier migration created was dropped since',
      history: ['CREATE TABLE orgs (id bigint PRIMARY KEY);', `${USERS}\nALTER TABLE users ADD COLUMN org_id bigint;\nCREATE INDEX users_org ON users (org_id);`, 'DROP INDEX users_org;'],
      sql: 'ALTER TABLE users ADD CONSTRAINT users_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;',
      errors: [{ messageId: 'missingIndex', line: 1, column: 23 }],
    },
  ],
});
