import { ruleTester } from './tester';

ruleTester('add-primary-key', {
  valid: [
    { name: 'USING INDEX on a table the model does not know', sql: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;' },
    {
      name: 'USING INDEX on NOT NULL columns',
      history: 'CREATE TABLE users (id bigint NOT NULL);\nCREATE UNIQUE INDEX CONCURRENTLY users_id_idx ON users (id);',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;',
    },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD PRIMARY KEY (id);' },
  ],
  invalid: [
    {
      name: 'the model does not know whether the key columns are nullable',
      sql: 'ALTER TABLE users ADD PRIMARY KEY (id);',
      errors: [
        {
          messageId: 'indexBuildUnknownNullability',
          line: 1, column: 19, endLine: 1, endColumn: 39,
          messageIncludes: ['unique index on users (id)', 'ACCESS EXCLUSIVE lock on users', 'blocks reads and writes', 'implicit SET NOT NULL'],
        },
      ],
    },
    {
      name: 'NOT NULL key columns: only the index build',
      history: 'CREATE TABLE users (id bigint NOT NULL, email text);',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (id);',
      errors: [{ messageId: 'indexBuild', line: 1, column: 19, endLine: 1, endColumn: 61, messageIncludes: ['ADD CONSTRAINT users_pkey PRIMARY KEY'] }],
    },
    {
      name: 'nullable key columns are scanned first',
      history: 'CREATE TABLE memberships (user_id bigint NOT NULL, group_id bigint);',
      sql: 'ALTER TABLE memberships ADD PRIMARY KEY (user_id, group_id);',
      errors: [{ messageId: 'indexBuildAndNotNull', line: 1, column: 25, endLine: 1, endColumn: 60, messageIncludes: ['make group_id NOT NULL', 'scans the whole table'] }],
    },
    {
      name: 'a validated CHECK (c IS NOT NULL) spares the scan on PostgreSQL 12+',
      history: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD CONSTRAINT id_nn CHECK (id IS NOT NULL);',
      sql: 'ALTER TABLE users ADD PRIMARY KEY (id);',
      errors: [{ messageId: 'indexBuild', line: 1, column: 19, endLine: 1, endColumn: 39 }],
    },
    {
      name: 'but not before PostgreSQL 12',
      history: 'CREATE TABLE users (id bigint);\nALTER TABLE users ADD CONSTRAINT id_nn CHECK (id IS NOT NULL);',
      sql: 'ALTER TABLE users ADD PRIMARY KEY (id);',
      pg: 11,
      errors: [{ messageId: 'indexBuildAndNotNull', line: 1, column: 19, endLine: 1, endColumn: 39 }],
    },
    {
      name: 'USING INDEX still sets nullable columns NOT NULL',
      history: 'CREATE TABLE users (id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY users_id_idx ON users (id);',
      sql: 'ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;',
      errors: [{ messageId: 'usingIndexNotNull', line: 1, column: 19, endLine: 1, endColumn: 81, messageIncludes: ['makes id NOT NULL', 'full scan of users'] }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- clé 🔑\nALTER TABLE "clés" ADD PRIMARY KEY ("numéro");',
      errors: [{ line: 2, column: 20, endLine: 2, endColumn: 46 }],
    },
  ],
});
