import { ruleTester } from './tester';

ruleTester('detach-partition', {
  valid: [
    'ALTER TABLE events DETACH PARTITION events_2023_01 CONCURRENTLY;',
    'ALTER TABLE events DETACH PARTITION events_2023_01 FINALIZE;',
    {
      name: 'a partitioned table created in the same file',
      sql: 'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE TABLE events_2023_01 PARTITION OF events FOR VALUES FROM (MINVALUE) TO (\'2023-02-01\');\nALTER TABLE events DETACH PARTITION events_2023_01;',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE events DETACH PARTITION events_2023_01;',
      errors: [
        {
          messageId: 'notConcurrent',
          line: 1,
          column: 20,
          endColumn: 51,
          messageIncludes: ['ACCESS EXCLUSIVE lock on events', 'blocks reads and writes', 'ACCESS EXCLUSIVE lock on partition events_2023_01'],
        },
      ],
    },
    {
      name: 'before 14 there is no CONCURRENTLY',
      sql: '-- ✓ ünïcode\nALTER TABLE app.events DETACH PARTITION app.events_2023_01;',
      pg: 13,
      errors: [{ messageId: 'noOnlineForm', line: 2, column: 24, endColumn: 59, messageIncludes: ['PostgreSQL 13 has no DETACH … CONCURRENTLY'] }],
    },
  ],
});
