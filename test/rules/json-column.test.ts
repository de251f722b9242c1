import { ruleTester } from './tester';

ruleTester('json-column', {
  valid: [
    'CREATE TABLE events (id bigint, payload jsonb);',
    'ALTER TABLE events ADD COLUMN payload jsonb;',
    "SELECT '{}'::json;",
  ],
  invalid: [
    {
      name: 'the range is the column name and type, not its constraints',
      sql: "CREATE TABLE events (id bigint, payload json NOT NULL DEFAULT '{}');",
      errors: [{ messageId: 'jsonColumn', line: 1, column: 33, endColumn: 45, messageIncludes: ['Column payload is json', 'no equality operator'] }],
    },
    {
      sql: 'ALTER TABLE events ADD COLUMN tags pg_catalog.json[], ADD COLUMN n int;',
      errors: [{ line: 1, column: 31, endColumn: 53, messageIncludes: ['Column tags'] }],
    },
    {
      name: 'a table created earlier in the file is flagged too: the type is the problem, not the lock',
      sql: '-- ✓ 😀\nCREATE TABLE "évents" (id bigint);\nALTER TABLE "évents" ADD "dätä" JSON;',
      errors: [{ line: 3, column: 26, endColumn: 37, messageIncludes: ['Column dätä'] }],
    },
    {
      name: 'autofix: jsonb in CREATE TABLE',
      sql: 'CREATE TABLE events (id bigint, payload json NOT NULL);',
      errors: [{ line: 1, column: 33 }],
      output: 'CREATE TABLE events (id bigint, payload jsonb NOT NULL);',
    },
    {
      name: 'autofix: an array of json',
      sql: 'ALTER TABLE events ADD COLUMN tags json[];',
      errors: [{ line: 1, column: 31 }],
      output: 'ALTER TABLE events ADD COLUMN tags jsonb[];',
    },
    {
      name: 'no autofix for a schema-qualified type',
      sql: 'ALTER TABLE events ADD COLUMN p pg_catalog.json;',
      errors: [{ line: 1, column: 31 }],
      output: 'ALTER TABLE events ADD COLUMN p pg_catalog.json;',
    },
  ],
});
