import { ruleTester } from './tester';

const USERS = 'CREATE TABLE users (id bigint PRIMARY KEY, fullname text);';
const ADD_AND_SYNC = [
  'ALTER TABLE users ADD COLUMN full_name text;',
  'CREATE FUNCTION users_sync_name() RETURNS trigger LANGUAGE plpgsql AS $$',
  'BEGIN',
  '  NEW.full_name := NEW.fullname;',
  '  RETURN NEW;',
  'END $$;',
  'CREATE TRIGGER users_sync_name BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_sync_name();',
].join('\n');
const BACKFILL = 'UPDATE users SET full_name = fullname WHERE full_name IS NULL;';
/** A trigger that copies whichever side the application wrote into the other. */
const TWO_WAY_SYNC = [
  'ALTER TABLE users ADD COLUMN full_name text;',
  'CREATE FUNCTION users_sync_name() RETURNS trigger LANGUAGE plpgsql AS $$',
  'BEGIN',
  '  IF NEW.full_name IS DISTINCT FROM OLD.full_name THEN NEW.fullname := NEW.full_name; ELSE NEW.full_name := NEW.fullname; END IF;',
  '  RETURN NEW;',
  'END $$;',
  'CREATE TRIGGER users_sync_name BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_sync_name();',
].join('\n');

ruleTester('contract-without-expand', {
  valid: [
    {
      name: 'every expand step ran in earlier migrations',
      history: [USERS, ADD_AND_SYNC, BACKFILL],
      sql: 'DROP TRIGGER users_sync_name ON users;\nALTER TABLE users DROP COLUMN fullname;',
    },
    {
      name: 'a swap after a complete expand',
      history: [USERS, ADD_AND_SYNC, BACKFILL],
      sql: 'DROP TRIGGER users_sync_name ON users;\nALTER TABLE users DROP COLUMN fullname;\nALTER TABLE users RENAME COLUMN full_name TO fullname;',
    },
    {
      name: 'a two-way trigger dropped with the original column it also filled',
      history: [USERS, TWO_WAY_SYNC, BACKFILL],
      sql: 'DROP TRIGGER users_sync_name ON users;\nDROP FUNCTION users_sync_name();\nALTER TABLE users DROP COLUMN fullname;',
    },
    {
      name: 'a two-way trigger dropped with the original renamed out of the way',
      history: [USERS, TWO_WAY_SYNC, BACKFILL],
      sql: 'DROP TRIGGER users_sync_name ON users;\nDROP FUNCTION users_sync_name();\nALTER TABLE users RENAME COLUMN fullname TO fullname_old;',
    },
    {
      name: 'a replacement computed from several columns by an earlier trigger and backfill',
      history: [
        'CREATE TABLE users (id bigint PRIMARY KEY, first text, last text);',
        [
          'ALTER TABLE users ADD COLUMN full_name text;',
          'CREATE FUNCTION users_fill_name() RETURNS trigger LANGUAGE plpgsql AS $$',
          'BEGIN',
          "  NEW.full_name := NEW.first || ' ' || NEW.last;",
          '  RETURN NEW;',
          'END $$;',
          'CREATE TRIGGER users_fill_name BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_fill_name();',
        ].join('\n'),
        "UPDATE users SET full_name = first || ' ' || last;",
      ],
      sql: 'DROP TRIGGER users_fill_name ON users;\nDROP FUNCTION users_fill_name();\nALTER TABLE users DROP COLUMN first, DROP COLUMN last;',
    },
    { name: 'a column nothing replaces is only dropped', history: [USERS], sql: 'ALTER TABLE users DROP COLUMN fullname;' },
    { name: 'without a history nothing is known to be a contract', sql: 'ALTER TABLE users DROP COLUMN fullname;\nALTER TABLE users RENAME COLUMN full_name TO fullname;' },
    { name: 'SET NOT NULL after the backfill ran in an earlier migration', history: [USERS, ADD_AND_SYNC, BACKFILL], sql: 'ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;' },
    {
      name: 'a trigger that stamps a value is no sync trigger',
      history: [
        'CREATE TABLE users (id bigint, updated_at timestamptz);',
        "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\nCREATE TRIGGER touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();",
      ],
      sql: 'DROP TRIGGER touch ON users;',
    },
    {
      name: 'a table swap after copying and syncing in earlier migrations',
      history: [
        'CREATE TABLE users (id bigint, email text);',
        'CREATE TABLE users_v2 (id bigint, email text);\nCREATE FUNCTION users_copy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO users_v2 (id, email) VALUES (NEW.id, NEW.email); RETURN NEW; END $$;\nCREATE TRIGGER users_copy AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_copy();',
        'INSERT INTO users_v2 (id, email) SELECT id, email FROM users;',
      ],
      sql: 'DROP TABLE users;\nALTER TABLE users_v2 RENAME TO users;',
    },
  ],
  invalid: [
    {
      name: 'a swap whose replacement was never backfilled nor synced',
      history: [USERS, 'ALTER TABLE users ADD COLUMN full_name text;'],
      sql: 'ALTER TABLE users DROP COLUMN fullname;\nALTER TABLE users RENAME COLUMN full_name TO fullname;',
      errors: [
        {
          messageId: 'swap',
          line: 2, column: 1,
          messageIncludes: ['replaces users.fullname with full_name', 'backfilled full_name from fullname', 'installed a trigger that keeps full_name in sync with fullname'],
        },
      ],
    },
    {
      name: 'a column backfilled from the original but never kept in sync',
      history: [USERS, 'ALTER TABLE users ADD COLUMN full_name text;', BACKFILL],
      sql: 'ALTER TABLE users DROP COLUMN fullname;',
      errors: [
        {
          messageId: 'dropReplaced', line: 1, column: 19, endLine: 1, endColumn: 39,
          messageIncludes: ['contracts users.fullname into full_name', 'installed a trigger that keeps full_name in sync with fullname'],
        },
      ],
    },
    {
      name: 'a two-way trigger dropped while the original stays: the original was never backfilled from the replacement',
      history: [USERS, TWO_WAY_SYNC, BACKFILL],
      sql: 'DROP TRIGGER users_sync_name ON users;',
      errors: [{ messageId: 'syncDroppedUnbackfilled', line: 1, column: 1, messageIncludes: ['trigger users_sync_name', 'users.fullname'] }],
    },
    {
      name: 'the sync trigger is dropped although its column was never backfilled',
      history: [USERS, ADD_AND_SYNC],
      sql: 'DROP TRIGGER users_sync_name ON users;\nALTER TABLE users DROP COLUMN fullname;',
      errors: [{ messageId: 'syncDroppedUnbackfilled', line: 1, column: 1, messageIncludes: ['trigger users_sync_name', 'users.full_name'] }],
    },
    {
      name: 'NOT NULL on a column only the trigger ever filled',
      history: [USERS, ADD_AND_SYNC],
      sql: 'ALTER TABLE users ALTER COLUMN full_name SET NOT NULL;',
      errors: [{ messageId: 'constrainUnbackfilled', line: 1, column: 19, endLine: 1, endColumn: 54, messageIncludes: ['SET NOT NULL on users.full_name', 'only trigger users_sync_name fills full_name'] }],
    },
    {
      name: 'a table swap with no copy and no sync trigger before it',
      history: ['CREATE TABLE users (id bigint, email text);', 'CREATE TABLE users_v2 (id bigint, email text);'],
      sql: 'DROP TABLE users;\nALTER TABLE users_v2 RENAME TO users;',
      errors: [{ messageId: 'tableSwap', line: 2, column: 1, messageIncludes: ['replaces table users with users_v2', 'copied the rows of users into users_v2', 'installed a trigger on users'] }],
    },
  ],
});
