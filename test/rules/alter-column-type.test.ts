import { ruleTester } from './tester';

const USERS = 'CREATE TABLE users (id integer PRIMARY KEY, name varchar(20), bio text, price numeric(10,2), seen timestamp, born date);';

ruleTester('alter-column-type', {
  valid: [
    { name: 'widening varchar', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);' },
    { name: 'varchar to text', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN name TYPE text;' },
    { name: 'text to unlimited varchar', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN bio TYPE varchar;' },
    { name: 'more numeric precision at the same scale', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);' },
    { name: 'dropping the numeric limit', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN price TYPE numeric;' },
    { name: 'timestamp to timestamptz with the session in UTC (PostgreSQL 12+)', history: USERS, sql: "SET TIME ZONE 'UTC';\nALTER TABLE users ALTER COLUMN seen TYPE timestamptz;" },
    { name: 'USING the bare column is the default conversion', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN name TYPE text USING name;' },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE users (id integer);\nALTER TABLE users ALTER COLUMN id TYPE bigint;' },
  ],
  invalid: [
    {
      history: USERS,
      sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
      errors: [
        {
          messageId: 'rewrite',
          line: 1, column: 19, endLine: 1, endColumn: 46,
          messageIncludes: ['users.id from integer to bigint', 'rewrites users and rebuilds all its indexes', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes'],
        },
      ],
    },
    { name: 'shrinking varchar', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(10);', errors: [{ messageId: 'rewrite', line: 1, column: 19, endLine: 1, endColumn: 53 }] },
    { name: 'text to varchar(n)', history: USERS, sql: 'ALTER TABLE users ALTER bio TYPE varchar(100);', errors: [{ messageId: 'rewrite', line: 1, column: 19, endLine: 1, endColumn: 46 }] },
    { name: 'a numeric scale change', history: USERS, sql: 'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,3);', errors: [{ messageId: 'rewrite', line: 1, column: 19, endLine: 1, endColumn: 56 }] },
    {
      name: 'a computed USING',
      history: USERS,
      sql: 'ALTER TABLE users ALTER COLUMN price SET DATA TYPE bigint USING (price * 100)::bigint;',
      errors: [{ messageId: 'using', line: 1, column: 19, endLine: 1, endColumn: 86, messageIncludes: ['USING', 'rewrites users'] }],
    },
    {
      name: 'the old type is unknown when the table is not in the history',
      sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint;',
      errors: [
        {
          messageId: 'unknownOldType',
          line: 1, column: 19, endLine: 1, endColumn: 46,
          messageIncludes: ['old type of users.id is unknown', 'users is not in the replayed migration history', 'probably rewrites users'],
        },
      ],
    },
    {
      name: 'the old type is unknown when the history lacks the column',
      history: USERS,
      sql: 'ALTER TABLE users ALTER COLUMN nickname TYPE text;',
      errors: [{ messageId: 'unknownOldType', line: 1, column: 19, endLine: 1, endColumn: 50, messageIncludes: ['no column nickname in users', 'metadata-only if the column was varchar or text'] }],
    },
    {
      name: 'timestamp to timestamptz depends on the session time zone',
      history: USERS,
      sql: 'ALTER TABLE users ALTER COLUMN seen TYPE timestamptz;',
      errors: [{ messageId: 'timezone', line: 1, column: 19, endLine: 1, endColumn: 53, messageIncludes: ['session time zone is UTC'] }],
    },
    {
      name: 'timestamp to timestamptz rewrites before PostgreSQL 12',
      history: USERS,
      sql: "SET TIME ZONE 'UTC';\nALTER TABLE users ALTER COLUMN seen TYPE timestamptz;",
      pg: 11,
      errors: [{ messageId: 'rewrite', line: 2, column: 19, endLine: 2, endColumn: 53 }],
    },
    {
      name: 'a collation change rebuilds the indexes',
      history: USERS,
      sql: 'ALTER TABLE users ALTER COLUMN bio TYPE text COLLATE "C";',
      errors: [{ messageId: 'collation', line: 1, column: 19, endLine: 1, endColumn: 57, messageIncludes: ['collation of users.bio', 'rebuilds the indexes'] }],
    },
    {
      name: 'a CHECK on the column is verified again',
      history: "CREATE TABLE users (id bigint, name varchar(20) CHECK (name <> ''));",
      sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(40);',
      errors: [{ messageId: 'checkRescan', line: 1, column: 19, endLine: 1, endColumn: 53, messageIncludes: ['users_name_check', 'scan of users'] }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- 価格 💴\nALTER TABLE "商品" ALTER COLUMN "価格" TYPE bigint;',
      errors: [{ line: 2, column: 18, endLine: 2, endColumn: 47, messageIncludes: ['商品.価格'] }],
    },
  ],
});
