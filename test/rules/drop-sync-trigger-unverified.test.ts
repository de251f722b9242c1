import { ruleTester } from './tester';

const EXPAND = [
  'CREATE TABLE users (id bigint PRIMARY KEY, fullname text, full_name text);',
  'CREATE FUNCTION users_sync_name() RETURNS trigger LANGUAGE plpgsql AS $$',
  'BEGIN',
  '  NEW.full_name := NEW.fullname;',
  '  RETURN NEW;',
  'END $$;',
  'CREATE TRIGGER users_sync_name BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_sync_name();',
  'UPDATE users SET full_name = fullname;',
].join('\n');

const CHECK = [
  'DO $$',
  'BEGIN',
  '  IF EXISTS (SELECT 1 FROM users WHERE full_name IS DISTINCT FROM fullname) THEN',
  "    RAISE EXCEPTION 'full_name and fullname diverged';",
  '  END IF;',
  'END $$;',
].join('\n');

ruleTester('drop-sync-trigger-unverified', {
  valid: [
    {
      name: 'a divergence check on a table with a non-ASCII name',
      history: [EXPAND.replace(/\busers\b(?!_)/g, '"Bénéfices"')],
      sql: `${CHECK.replace(/\busers\b(?!_)/g, '"Bénéfices"')}\nDROP TRIGGER users_sync_name ON "Bénéfices";`,
    },
    { name: 'a divergence check in a DO block before the drop', history: [EXPAND], sql: `${CHECK}\nDROP TRIGGER users_sync_name ON users;` },
    { name: 'a counting query before the drop', history: [EXPAND], sql: 'SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM fullname;\nDROP TRIGGER users_sync_name ON users;' },
    {
      name: 'a trigger that copies nothing',
      history: ["CREATE TABLE t (id bigint, updated_at timestamptz);\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;\nCREATE TRIGGER touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();"],
      sql: 'DROP TRIGGER touch ON t;',
    },
    { name: 'a trigger the history does not know', sql: 'DROP TRIGGER users_sync_name ON users;' },
  ],
  invalid: [
    {
      name: 'DROP TRIGGER with no check before it',
      history: [EXPAND],
      sql: 'DROP TRIGGER users_sync_name ON users;',
      errors: [
        {
          messageId: 'unverified', line: 1, column: 1,
          messageIncludes: ['users_sync_name, which keeps full_name in sync with fullname', 'SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM fullname returns 0'],
        },
      ],
    },
    {
      name: 'the check comes after the drop',
      history: [EXPAND],
      sql: `DROP TRIGGER users_sync_name ON users;\n${CHECK}`,
      errors: [{ messageId: 'unverified', line: 1, column: 1 }],
    },
    {
      name: 'DROP FUNCTION … CASCADE drops the sync trigger too',
      history: [EXPAND],
      sql: 'DROP FUNCTION users_sync_name() CASCADE;',
      errors: [{ messageId: 'unverified', line: 1, column: 1, messageIncludes: ['Dropping trigger users_sync_name'] }],
    },
  ],
});
