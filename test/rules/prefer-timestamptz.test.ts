import { fixTester } from './fix-check';
import { ruleTester } from './tester';

const config = { rules: { 'prefer-timestamptz': 'info' as const } };

ruleTester('prefer-timestamptz', {
  valid: [
    { name: 'off by default', sql: 'CREATE TABLE events (at timestamp);' },
    { config, sql: 'CREATE TABLE events (at timestamptz NOT NULL, done timestamp with time zone, d date, t time);' },
    { config, sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz USING at AT TIME ZONE \'UTC\';' },
  ],
  invalid: [
    {
      config,
      sql: 'CREATE TABLE events (at timestamp NOT NULL, done timestamp(3) without time zone, ok timestamptz, ok2 timestamp with time zone, list timestamp[]);',
      errors: [
        { messageId: 'timestamp', line: 1, column: 25, endLine: 1, endColumn: 34, messageIncludes: ['at is timestamp', 'no zone'] },
        { messageId: 'timestamp', line: 1, column: 50, endLine: 1, endColumn: 80, messageIncludes: ['done is timestamp(3) without time zone'] },
        { messageId: 'timestamp', line: 1, column: 133, endLine: 1, endColumn: 144 },
      ],
    },
    {
      config,
      sql: 'ALTER TABLE events ALTER COLUMN at TYPE timestamp(6), ADD COLUMN seen_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now();',
      errors: [
        { messageId: 'timestamp', line: 1, column: 41, endLine: 1, endColumn: 53 },
        { messageId: 'timestamp', line: 1, column: 74, endLine: 1, endColumn: 101 },
      ],
    },
    {
      config,
      name: 'multi-byte text before the type',
      sql: '/* ünï 😀 */ CREATE TABLE e ("ät" timestamp);',
      errors: [{ messageId: 'timestamp', line: 1, column: 35, endLine: 1, endColumn: 44 }],
    },
  ],
});

fixTester('prefer-timestamptz', 'suggestion', [
  { sql: 'CREATE TABLE events (at timestamp NOT NULL);', output: 'CREATE TABLE events (at timestamptz NOT NULL);' },
  { name: 'keeps the precision', sql: 'CREATE TABLE events (at timestamp(3) without time zone);', output: 'CREATE TABLE events (at timestamptz(3));' },
]);
