import { fixTester } from './fix-check';
import { ruleTester } from './tester';

const config = { rules: { 'prefer-bigint': 'info' as const } };

ruleTester('prefer-bigint', {
  valid: [
    { name: 'off by default', sql: 'CREATE TABLE users (id serial PRIMARY KEY);' },
    { config, sql: 'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, org_id bigint REFERENCES orgs, n int);' },
    { config, name: 'integer columns that are not keys', sql: 'CREATE TABLE t (a int, b smallint UNIQUE, c integer[]);' },
    { config, sql: 'CREATE TABLE t (id bigserial PRIMARY KEY, ref uuid REFERENCES x);' },
    { config, name: 'a key on a bigint column added later', sql: 'CREATE TABLE t (id bigint NOT NULL);\nALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY (id);' },
  ],
  invalid: [
    {
      config,
      sql: 'CREATE TABLE users (id serial PRIMARY KEY, org_id int REFERENCES orgs, n int);',
      errors: [
        { messageId: 'narrowKey', line: 1, column: 24, endLine: 1, endColumn: 30, messageIncludes: ['id (primary key) is serial', 'runs out at 2,147,483,647', 'rewrites users'] },
        { messageId: 'narrowKey', line: 1, column: 51, endLine: 1, endColumn: 54, messageIncludes: ['org_id (foreign key column) is int'] },
      ],
    },
    {
      config,
      name: 'table-level PRIMARY KEY and FOREIGN KEY',
      sql: 'CREATE TABLE t (a smallint, b integer, c bigint, PRIMARY KEY (a), FOREIGN KEY (b) REFERENCES x);',
      errors: [
        { messageId: 'narrowKey', line: 1, column: 19, endLine: 1, endColumn: 27, messageIncludes: ['runs out at 32,767'] },
        { messageId: 'narrowKey', line: 1, column: 31, endLine: 1, endColumn: 38 },
      ],
    },
    {
      config,
      sql: 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, s smallserial);',
      errors: [
        { messageId: 'narrowKey', line: 1, column: 20, endLine: 1, endColumn: 23, messageIncludes: ['(identity column)'] },
        { messageId: 'narrowKey', line: 1, column: 56, endLine: 1, endColumn: 67, messageIncludes: ['(serial column)'] },
      ],
    },
    {
      config,
      sql: 'ALTER TABLE users ADD COLUMN org_id integer REFERENCES orgs (id);',
      errors: [{ messageId: 'narrowKey', line: 1, column: 37, endLine: 1, endColumn: 44 }],
    },
    {
      config,
      name: 'keys added by ALTER TABLE on integer columns (pg_dump style) are reported at the column list',
      sql: 'CREATE TABLE users (id integer NOT NULL, org_id smallint);\nALTER TABLE ONLY users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\nALTER TABLE ONLY users ADD CONSTRAINT org_id FOREIGN KEY (org_id) REFERENCES orgs (id);',
      errors: [
        { messageId: 'narrowKey', line: 2, column: 63, endLine: 2, endColumn: 65, messageIncludes: ['id (primary key) is integer'] },
        { messageId: 'narrowKey', line: 3, column: 59, endLine: 3, endColumn: 65, messageIncludes: ['org_id (foreign key column) is smallint'] },
      ],
    },
    {
      config,
      name: 'a column is reported once per file',
      sql: 'CREATE TABLE users (id serial PRIMARY KEY);\nALTER TABLE users ADD CONSTRAINT users_id_key UNIQUE (id), ADD CONSTRAINT users_pkey2 PRIMARY KEY (id);',
      errors: [{ messageId: 'narrowKey', line: 1, column: 24, endLine: 1, endColumn: 30 }],
    },
    {
      config,
      name: 'narrowing a key the schema model knows',
      history: 'CREATE TABLE t (id bigint PRIMARY KEY, ref bigint REFERENCES x, n bigint);',
      sql: 'ALTER TABLE t ALTER COLUMN id TYPE int, ALTER COLUMN ref TYPE smallint, ALTER COLUMN n TYPE int;',
      errors: [
        { messageId: 'narrowKey', line: 1, column: 36, endLine: 1, endColumn: 39, messageIncludes: ['id (primary key) is int'] },
        { messageId: 'narrowKey', line: 1, column: 63, endLine: 1, endColumn: 71, messageIncludes: ['ref (foreign key column) is smallint'] },
      ],
    },
    {
      config,
      name: 'multi-byte text and a qualified type name',
      sql: '-- ünï 😀\nCREATE TABLE "Ünï" ("ïd" pg_catalog.int4 PRIMARY KEY);',
      errors: [{ messageId: 'narrowKey', line: 2, column: 26, endLine: 2, endColumn: 41 }],
    },
  ],
});

fixTester('prefer-bigint', 'suggestion', [
  { sql: 'CREATE TABLE users (id serial PRIMARY KEY);', output: 'CREATE TABLE users (id bigserial PRIMARY KEY);' },
  { sql: 'ALTER TABLE users ADD COLUMN org_id INTEGER REFERENCES orgs (id);', output: 'ALTER TABLE users ADD COLUMN org_id bigint REFERENCES orgs (id);' },
]);
