import { ruleTester } from './tester';

ruleTester('add-column-volatile-default', {
  valid: [
    { name: 'now() is evaluated once on PostgreSQL 11+', sql: 'ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();' },
    "ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';",
    'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT CURRENT_TIMESTAMP;',
    "ALTER TABLE users ADD COLUMN seen_at timestamp DEFAULT (now() AT TIME ZONE 'utc');",
    "ALTER TABLE users ADD COLUMN prefs jsonb NOT NULL DEFAULT '{}'::jsonb;",
    { name: 'SET DEFAULT applies to new rows only', sql: 'ALTER TABLE users ADD COLUMN token uuid;\nALTER TABLE users ALTER COLUMN token SET DEFAULT gen_random_uuid();' },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();' },
    { name: 'DEFAULT NULL fills nothing, even before PostgreSQL 11', sql: 'ALTER TABLE users ADD COLUMN note text DEFAULT NULL;', pg: 10 },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      errors: [
        {
          messageId: 'volatileDefault',
          line: 1, column: 19, endLine: 1, endColumn: 66,
          messageIncludes: ['gen_random_uuid()', 'rewrites users and all its indexes', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes'],
        },
      ],
    },
    {
      sql: 'ALTER TABLE events ADD COLUMN at timestamptz DEFAULT clock_timestamp();',
      errors: [{ messageId: 'volatileDefault', line: 1, column: 20, endLine: 1, endColumn: 71, messageIncludes: ['clock_timestamp()'] }],
    },
    {
      name: 'a volatile call nested inside the expression',
      sql: 'ALTER TABLE users ADD COLUMN code text DEFAULT md5(random()::text);',
      errors: [{ messageId: 'volatileDefault', line: 1, column: 19, endLine: 1, endColumn: 67, messageIncludes: ['random()'] }],
    },
    {
      name: 'schema-qualified extension function',
      sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT extensions.uuid_generate_v4();',
      errors: [{ messageId: 'volatileDefault', line: 1, column: 19, endLine: 1, endColumn: 78, messageIncludes: ['uuid_generate_v4()'] }],
    },
    {
      sql: "ALTER TABLE users ADD COLUMN n bigint DEFAULT nextval('users_n_seq');",
      errors: [{ messageId: 'volatileDefault', line: 1, column: 19, endLine: 1, endColumn: 69, messageIncludes: ['nextval()'] }],
    },
    {
      name: 'a user function is assumed volatile',
      sql: 'ALTER TABLE users ADD COLUMN slug text DEFAULT make_slug();',
      errors: [{ messageId: 'unknownFunctionDefault', line: 1, column: 19, endLine: 1, endColumn: 59, messageIncludes: ['make_slug()', 'not known to be IMMUTABLE or STABLE', 'rewrites users'] }],
    },
    {
      name: 'before PostgreSQL 11 a constant default rewrites too',
      sql: "ALTER TABLE users ADD COLUMN status text DEFAULT 'active';",
      pg: 10,
      errors: [{ messageId: 'anyDefaultBeforePg11', line: 1, column: 19, endLine: 1, endColumn: 58, messageIncludes: ['PostgreSQL 10', 'rewrites users'] }],
    },
    {
      sql: 'ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();',
      pg: '9.6',
      errors: [{ messageId: 'anyDefaultBeforePg11', line: 1, column: 19, endLine: 1, endColumn: 66, messageIncludes: ['PostgreSQL 9.6'] }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: "-- ünïcödé 😀\nALTER TABLE \"Ärger\" ADD COLUMN \"ß\" uuid DEFAULT gen_random_uuid(), ADD COLUMN ok int DEFAULT 1;",
      errors: [{ line: 2, column: 21, endLine: 2, endColumn: 66, messageIncludes: ['Ärger'] }],
    },
  ],
});
