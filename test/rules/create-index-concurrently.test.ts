import { ruleTester } from './tester';

ruleTester('create-index-concurrently', {
  valid: [
    'CREATE INDEX CONCURRENTLY idx_users_email ON users (email);',
    'CREATE TABLE users (id bigint, email text);\nCREATE INDEX idx_users_email ON users (email);',
    { name: '14.4 fixed the CONCURRENTLY bug', sql: 'CREATE INDEX CONCURRENTLY i ON users (email);', pg: '14.4' },
    {
      name: 'a parent that the file shows is partitioned belongs to partitioned-index',
      sql: "CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');\nCREATE INDEX idx_events_at ON events (at);",
    },
    {
      name: 'a materialized view created in the same file',
      sql: 'CREATE MATERIALIZED VIEW daily_totals AS SELECT 1 AS day WITH NO DATA;\nCREATE UNIQUE INDEX daily_totals_day ON daily_totals (day);',
    },
    { name: 'ON ONLY builds nothing on partitions', sql: 'CREATE INDEX idx_events_at ON ONLY events (at);' },
    {
      name: 'a partitioned table from the history belongs to partitioned-index',
      history: 'CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);',
      sql: 'CREATE INDEX idx_events_at ON events (at);',
    },
  ],
  invalid: [
    {
      sql: 'CREATE INDEX idx_users_email ON users (email);',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endLine: 1, endColumn: 38, messageIncludes: ['SHARE lock on users', 'blocks writes'] }],
    },
    {
      name: 'multi-byte text before the statement keeps columns exact',
      sql: "-- 日本語 😀\nCREATE UNIQUE INDEX \"ïdx\" ON app.\"Üsers\" (email);",
      errors: [{ line: 2, column: 1, endLine: 2, endColumn: 41, messageIncludes: ['app.Üsers'] }],
    },
    {
      sql: 'CREATE INDEX CONCURRENTLY i ON users (email);',
      pg: '14.2',
      errors: [{ messageId: 'brokenConcurrently', line: 1, column: 1, endColumn: 37 }],
    },
    {
      name: 'autofix: CONCURRENTLY IF NOT EXISTS',
      sql: 'CREATE INDEX idx_users_email ON users (email);',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_users_email ON users (email);',
    },
    {
      name: 'autofix: an unnamed index gets CONCURRENTLY only',
      sql: 'CREATE UNIQUE INDEX ON users (lower(email)) WHERE deleted_at IS NULL;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'CREATE UNIQUE INDEX CONCURRENTLY ON users (lower(email)) WHERE deleted_at IS NULL;',
    },
    {
      name: 'autofix: IF NOT EXISTS already there',
      sql: 'create index if not exists i on users (a);',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'create index CONCURRENTLY if not exists i on users (a);',
    },
    {
      name: 'no autofix inside BEGIN … COMMIT (CONCURRENTLY would fail there)',
      sql: 'BEGIN;\nCREATE INDEX i ON users (a);\nCOMMIT;',
      errors: [{ messageId: 'notConcurrent', line: 2, column: 1 }],
      output: 'BEGIN;\nCREATE INDEX i ON users (a);\nCOMMIT;',
    },
    {
      name: 'no autofix when the runner wraps the file in a transaction',
      sql: 'CREATE INDEX i ON users (a);',
      inTransaction: true,
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1 }],
      output: 'CREATE INDEX i ON users (a);',
    },
  ],
});
