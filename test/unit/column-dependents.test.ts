/**
 * drop-column and alter-column-type with the objects the replayed history knows depend on the column:
 * PostgreSQL refuses (views, generated columns, declared trigger columns, foreign keys), CASCADE drops
 * them silently, and trigger bodies it does not track break every later write.
 */
import { ruleTester } from '../rules/tester';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, score integer);';
const VIEW = 'CREATE VIEW active_users AS SELECT u.id, u.email FROM users u WHERE u.score > 0;';
const SYNC = [
  'CREATE TABLE people (id bigint PRIMARY KEY, fullname text, full_name text);',
  'CREATE FUNCTION people_sync() RETURNS trigger LANGUAGE plpgsql AS $$',
  'BEGIN',
  '  NEW.full_name := NEW.fullname;',
  '  RETURN NEW;',
  'END $$;',
  'CREATE TRIGGER people_sync BEFORE INSERT OR UPDATE ON people FOR EACH ROW EXECUTE FUNCTION people_sync();',
].join('\n');

ruleTester('drop-column', {
  valid: [],
  invalid: [
    {
      name: 'a view reads the column: PostgreSQL refuses',
      history: [USERS, VIEW],
      sql: 'ALTER TABLE users DROP COLUMN email;',
      errors: [
        { messageId: 'dropColumn', line: 1, column: 19, endColumn: 36 },
        { messageId: 'dependentsRefuse', line: 1, column: 19, endColumn: 36, messageIncludes: ['view active_users', 'cannot drop column email of table users because other objects depend on it'] },
      ],
    },
    {
      name: 'CASCADE drops the view silently',
      history: [USERS, VIEW],
      sql: 'ALTER TABLE users DROP COLUMN score CASCADE;',
      errors: [
        { messageId: 'dropColumn', line: 1, column: 19, endColumn: 36 },
        { messageId: 'cascadeDropsDependents', line: 1, column: 19, endColumn: 44, messageIncludes: ['CASCADE also silently drops view active_users'] },
      ],
    },
    {
      name: 'a view dropped earlier in the migration no longer depends on it',
      history: [USERS, VIEW],
      sql: 'DROP VIEW active_users;\nALTER TABLE users DROP COLUMN email;',
      errors: [{ messageId: 'dropColumn', line: 2, column: 19 }],
    },
    {
      name: 'a trigger body that still uses the column breaks every write',
      history: [SYNC],
      sql: 'ALTER TABLE people DROP COLUMN fullname;',
      errors: [
        { messageId: 'dropColumn', line: 1, column: 20 },
        { messageId: 'triggerBody', line: 1, column: 20, messageIncludes: ['Trigger people_sync on people calls people_sync()', 'every INSERT or UPDATE on people fails', 'record "new" has no field "fullname"'] },
      ],
    },
    {
      name: 'the trigger is replaced later in the same migration',
      history: [SYNC],
      sql: 'ALTER TABLE people DROP COLUMN fullname;\nDROP TRIGGER people_sync ON people;',
      errors: [{ messageId: 'dropColumn', line: 1, column: 20 }],
    },
    {
      name: 'a foreign key of another table references the column',
      history: ['CREATE TABLE orgs (id bigint PRIMARY KEY, code text UNIQUE);', 'CREATE TABLE members (id bigint, org_code text REFERENCES orgs (code));'],
      sql: 'ALTER TABLE orgs DROP COLUMN code;',
      errors: [
        { messageId: 'dropColumnWithIndexes', line: 1, column: 18, messageIncludes: ['the unique index on (code)'] },
        { messageId: 'dependentsRefuse', line: 1, column: 18, messageIncludes: ['foreign key members_org_code_fkey on members'] },
      ],
    },
    {
      name: 'an expression index and a generated column',
      history: ['CREATE TABLE t (id bigint, a integer, b integer GENERATED ALWAYS AS (a * 2) STORED);\nCREATE INDEX t_lower_a ON t ((a + 1));'],
      sql: 'ALTER TABLE t DROP COLUMN a;',
      errors: [
        { messageId: 'dropColumnWithIndexes', line: 1, column: 15, messageIncludes: ['silently drops index t_lower_a'] },
        { messageId: 'dependentsRefuse', line: 1, column: 15, messageIncludes: ['generated column b'] },
      ],
    },
  ],
});

ruleTester('alter-column-type', {
  valid: [
    { name: 'a trigger body reading the column does not stop a type change', history: [SYNC], sql: 'ALTER TABLE people ALTER COLUMN fullname TYPE varchar;' },
  ],
  invalid: [
    {
      name: 'a view reads the column',
      history: [USERS, VIEW],
      sql: 'ALTER TABLE users ALTER COLUMN score TYPE bigint;',
      errors: [
        { messageId: 'dependentsRefuse', line: 1, column: 19, messageIncludes: ['while view active_users depend on it', 'cannot alter type of a column used by a view or rule'] },
        { messageId: 'rewrite', line: 1, column: 19, messageIncludes: ['from integer to bigint'] },
      ],
    },
    {
      name: 'a trigger declared on the column',
      history: [USERS, 'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\nCREATE TRIGGER on_email AFTER UPDATE OF email ON users FOR EACH ROW EXECUTE FUNCTION f();'],
      sql: 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100);',
      errors: [
        { messageId: 'dependentsRefuse', line: 1, column: 19, messageIncludes: ['trigger on_email', 'cannot alter type of a column used in a trigger definition'] },
        { messageId: 'rewrite', line: 1, column: 19 },
      ],
    },
  ],
});
