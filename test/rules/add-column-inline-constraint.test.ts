import { ruleTester } from './tester';

ruleTester('add-column-inline-constraint', {
  valid: [
    'ALTER TABLE orders ADD COLUMN user_id bigint;',
    { name: 'NOT NULL and DEFAULT are not constraints with a build or scan', sql: "ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT '';" },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id) UNIQUE;' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);',
      errors: [
        {
          messageId: 'check',
          line: 1, column: 39, endLine: 1, endColumn: 54,
          messageIncludes: ['qty', 'scanning all of orders', 'ACCESS EXCLUSIVE lock on orders', 'blocks reads and writes'],
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN code text UNIQUE;',
      errors: [{ messageId: 'index', line: 1, column: 41, endLine: 1, endColumn: 47, messageIncludes: ['inline UNIQUE', 'builds its index on orders', 'ACCESS EXCLUSIVE lock on orders'] }],
    },
    {
      sql: 'ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id) ON DELETE CASCADE;',
      errors: [
        {
          messageId: 'references',
          line: 1, column: 46, endLine: 1, endColumn: 85,
          messageIncludes: ['ACCESS EXCLUSIVE lock on orders', 'SHARE ROW EXCLUSIVE lock on users', 'blocks writes (reads continue)', 'scans orders'],
        },
      ],
    },
    {
      name: 'each constraint is marked on its own',
      sql: 'ALTER TABLE orders ADD COLUMN n int CONSTRAINT n_positive CHECK (n > 0) NOT NULL DEFAULT 1 PRIMARY KEY;',
      errors: [
        { messageId: 'check', line: 1, column: 37, endLine: 1, endColumn: 72 },
        { messageId: 'index', line: 1, column: 92, endLine: 1, endColumn: 103, messageIncludes: ['inline PRIMARY KEY'] },
      ],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- 注文 🧾\nALTER TABLE "注文" ADD COLUMN "数量" int CHECK ("数量" > 0);',
      errors: [{ line: 2, column: 38, endLine: 2, endColumn: 54 }],
    },
  ],
});
