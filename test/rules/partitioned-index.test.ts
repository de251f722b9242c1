import { ruleTester } from './tester';

const PARTITIONED = 'CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);';
const PARTITION = "CREATE TABLE events_2024_01 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');\n";

ruleTester('partitioned-index', {
  valid: [
    { name: 'a partitioned table created in the same file', sql: 'CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX idx_events_at ON events (at);' },
    { name: 'ON ONLY the parent builds nothing', sql: `${PARTITION}CREATE INDEX idx_events_at ON ONLY events (at);` },
    { name: 'a partition on its own is a plain table (create-index-concurrently covers it)', sql: `${PARTITION}CREATE INDEX CONCURRENTLY idx_events_2024_01_at ON events_2024_01 (at);` },
    { name: 'a table not known to be partitioned', sql: 'CREATE INDEX idx_events_at ON events (at);' },
    { name: 'ON ONLY a partitioned table from the history', history: PARTITIONED, sql: 'CREATE INDEX idx_events_at ON ONLY events (at);' },
    { name: 'a plain table from the history', history: 'CREATE TABLE users (id bigint, email text);', sql: 'CREATE INDEX idx_users_email ON users (email);' },
  ],
  invalid: [
    {
      name: 'a partitioned table from the history',
      history: PARTITIONED,
      sql: 'CREATE INDEX idx_events_at ON events (at);',
      errors: [{ messageId: 'onParent', line: 1, column: 1, endColumn: 37 }],
    },
    {
      name: 'a partition created in the file shows the parent is partitioned',
      sql: `${PARTITION}CREATE INDEX idx_events_at ON events (at);`,
      errors: [{ messageId: 'onParent', line: 2, column: 1, endColumn: 37, messageIncludes: ['SHARE lock on events', 'blocks writes', 'every partition'] }],
    },
    {
      sql: `${PARTITION}CREATE INDEX CONCURRENTLY idx_events_at ON events (at);`,
      errors: [{ messageId: 'concurrentlyOnParent', line: 2, column: 1, endColumn: 50, messageIncludes: ['fails on partitioned table events'] }],
    },
    {
      name: 'ATTACH PARTITION shows it too',
      sql: "ALTER TABLE app.events ATTACH PARTITION app.events_old DEFAULT;\nCREATE UNIQUE INDEX \"ïdx_😀\" ON app.events (id, at);",
      errors: [{ messageId: 'onParent', line: 2, column: 1, endColumn: 43, messageIncludes: ['partitioned table app.events'] }],
    },
  ],
});
