import { ruleTester } from './tester';

ruleTester('multiple-alter-table', {
  valid: [
    'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int;',
    'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;',
    {
      name: 'the CHECK that proved NOT NULL is dropped apart (merged, PostgreSQL would scan)',
      sql: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
    },
    { name: 'a table created in the file', sql: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b int;' },
    { name: 'VALIDATE is kept apart on purpose', sql: 'ALTER TABLE users ADD CONSTRAINT c CHECK (a > 0) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT c;' },
    {
      name: 'a backfill between them',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 0 WHERE id < 100;\nALTER TABLE users ALTER COLUMN a SET NOT NULL;',
    },
    { name: 'separate transactions', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;\nBEGIN;\nALTER TABLE users ADD COLUMN b int;\nCOMMIT;' },
    {
      name: 'ATTACH PARTITION stands alone',
      sql: 'ALTER TABLE events ATTACH PARTITION e1 FOR VALUES IN (1);\nALTER TABLE events ATTACH PARTITION e2 FOR VALUES IN (2);',
    },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE users DROP COLUMN c;',
      errors: [
        { messageId: 'repeated', line: 2, column: 1, endColumn: 18, messageIncludes: ['users', 'line 1', 'an ACCESS EXCLUSIVE lock on users, which blocks reads and writes'] },
        { messageId: 'repeated', line: 3, column: 1, endColumn: 18, messageIncludes: ['line 1'] },
      ],
    },
    {
      name: 'not adjacent, schema-qualified',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nALTER TABLE public.users ALTER COLUMN a SET DEFAULT 0;',
      errors: [{ line: 3, column: 1, endColumn: 25, messageIncludes: ['public.users', 'line 1'] }],
    },
    {
      name: 'the lock named is the statement\'s own',
      sql: 'ALTER TABLE users ALTER COLUMN a SET STATISTICS 500;\nALTER TABLE users ALTER COLUMN b SET STATISTICS 500;',
      errors: [{ line: 2, column: 1, endColumn: 18, messageIncludes: ['SHARE UPDATE EXCLUSIVE'] }],
    },
    {
      name: 'quoted multi-byte names',
      sql: 'ALTER TABLE "Ünits" ADD COLUMN a int;\nALTER TABLE "Ünits" ADD COLUMN b int;',
      errors: [{ line: 2, column: 1, endColumn: 20, messageIncludes: ['Ünits'] }],
    },
    {
      name: 'autofix: a run of ALTERs becomes one statement',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE users ADD COLUMN b int;\nALTER TABLE users ALTER COLUMN a SET DEFAULT 0;',
      errors: [
        { line: 2, column: 1 },
        { line: 3, column: 1 },
      ],
      output: 'ALTER TABLE users ADD COLUMN a int, ADD COLUMN b int, ALTER COLUMN a SET DEFAULT 0;',
    },
    {
      name: 'no autofix when a comment sits between them',
      sql: 'ALTER TABLE users ADD COLUMN a int;\n-- then b\nALTER TABLE users ADD COLUMN b int;',
      errors: [{ line: 3, column: 1 }],
      output: 'ALTER TABLE users ADD COLUMN a int;\n-- then b\nALTER TABLE users ADD COLUMN b int;',
    },
    {
      name: 'no autofix when a trailing comment would be swallowed',
      sql: 'ALTER TABLE users ADD COLUMN a int -- a\n;\nALTER TABLE users ADD COLUMN b int;',
      errors: [{ line: 3, column: 1 }],
      output: 'ALTER TABLE users ADD COLUMN a int -- a\n;\nALTER TABLE users ADD COLUMN b int;',
    },
    {
      name: 'no autofix when the heads differ (ONLY)',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE ONLY users ADD COLUMN b int;',
      errors: [{ line: 2, column: 1 }],
      output: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE ONLY users ADD COLUMN b int;',
    },
    {
      name: 'no autofix when not adjacent',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nALTER TABLE users ADD COLUMN c int;',
      errors: [{ line: 3, column: 1 }],
      output: 'ALTER TABLE users ADD COLUMN a int;\nALTER TABLE orders ADD COLUMN b int;\nALTER TABLE users ADD COLUMN c int;',
    },
  ],
});
