import { ruleTester } from './tester';

const TABLE = 'CREATE TABLE events_2024_01 (id bigint, at timestamptz);';
const ATTACH = "ALTER TABLE events ATTACH PARTITION events_2024_01 FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');";

ruleTester('attach-partition', {
  valid: [
    { name: 'a partition created in the same file is empty', sql: `CREATE TABLE events_2024_01 (id bigint, at timestamptz);\n${ATTACH}` },
    {
      name: 'the partition has a CHECK validated in this file',
      sql: `ALTER TABLE events_2024_01 VALIDATE CONSTRAINT events_2024_01_bounds;\n${ATTACH}\nALTER TABLE events_2024_01 DROP CONSTRAINT events_2024_01_bounds;`,
    },
    {
      name: 'a CHECK added (and so validated) in this file',
      sql: `ALTER TABLE events_2024_01 ADD CONSTRAINT b CHECK (at IS NOT NULL AND at >= '2024-01-01' AND at < '2024-02-01');\n${ATTACH}`,
    },
    'ALTER INDEX idx_events_at ATTACH PARTITION idx_events_2024_01_at;',
    {
      name: 'the history validated a CHECK on the partition',
      history: `${TABLE}\nALTER TABLE events_2024_01 ADD CONSTRAINT bounds CHECK (at >= '2024-01-01' AND at < '2024-02-01') NOT VALID;\nALTER TABLE events_2024_01 VALIDATE CONSTRAINT bounds;`,
      sql: ATTACH,
    },
  ],
  invalid: [
    {
      name: 'a partition from the history whose only CHECK was never validated',
      history: `${TABLE}\nALTER TABLE events_2024_01 ADD CONSTRAINT bounds CHECK (at >= '2024-01-01') NOT VALID;`,
      sql: ATTACH,
      errors: [{ messageId: 'scansPartition', line: 1, column: 20, endColumn: 100 }],
    },
    {
      name: 'a partition from the history with only other constraints',
      history: `${TABLE}\nALTER TABLE events_2024_01 ADD CONSTRAINT u UNIQUE (id);`,
      sql: ATTACH,
      errors: [{ messageId: 'scansPartition', line: 1, column: 20, endColumn: 100 }],
    },
    {
      sql: ATTACH,
      errors: [
        {
          messageId: 'scansPartition',
          line: 1,
          column: 20,
          endColumn: 100,
          messageIncludes: [
            'ACCESS EXCLUSIVE lock on events_2024_01',
            'scans all of events_2024_01',
            "FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')",
            'SHARE UPDATE EXCLUSIVE lock on events',
          ],
        },
      ],
    },
    {
      name: 'before 12 the parent is locked ACCESS EXCLUSIVE too',
      sql: ATTACH,
      pg: 11,
      errors: [{ line: 1, column: 20, endColumn: 100, messageIncludes: ['the parent gets an ACCESS EXCLUSIVE lock on events'] }],
    },
    {
      name: 'a CHECK added NOT VALID and never validated does not help',
      sql: `ALTER TABLE events_2024_01 ADD CONSTRAINT b CHECK (at >= '2024-01-01') NOT VALID;\n${ATTACH}`,
      errors: [{ line: 2, column: 20, endColumn: 100 }],
    },
    {
      name: 'multi-byte bounds and names keep columns exact',
      sql: "ALTER TABLE \"événements\" ATTACH PARTITION \"é_😀\" FOR VALUES IN ('😀');",
      errors: [{ line: 1, column: 26, endColumn: 70, messageIncludes: ["FOR VALUES IN ('😀')"] }],
    },
  ],
});
