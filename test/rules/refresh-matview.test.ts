import { ruleTester } from './tester';

ruleTester('refresh-matview', {
  valid: [
    'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;',
    {
      name: 'the first refresh of a view created in the same file',
      sql: 'CREATE MATERIALIZED VIEW daily_totals AS SELECT 1 AS day WITH NO DATA;\nCREATE UNIQUE INDEX ON daily_totals (day);\nREFRESH MATERIALIZED VIEW daily_totals;',
    },
  ],
  invalid: [
    {
      sql: 'REFRESH MATERIALIZED VIEW daily_totals;',
      errors: [{ messageId: 'notConcurrent', line: 1, column: 1, endColumn: 39, messageIncludes: ['ACCESS EXCLUSIVE lock on daily_totals', 'blocks reads and writes', 'rewrites'] }],
    },
    {
      sql: 'REFRESH MATERIALIZED VIEW reports.daily_totals WITH NO DATA;',
      errors: [{ messageId: 'withNoData', line: 1, column: 1, endColumn: 47, messageIncludes: ['unpopulated'] }],
    },
    {
      sql: '-- ñ\nREFRESH MATERIALIZED VIEW "ñ_😀";',
      errors: [{ line: 2, column: 1, endColumn: 33 }],
    },
  ],
});
