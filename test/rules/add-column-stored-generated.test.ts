import { ruleTester } from './tester';

ruleTester('add-column-stored-generated', {
  valid: [
    'ALTER TABLE orders ADD COLUMN total numeric;',
    { name: 'VIRTUAL columns are computed on read', sql: 'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) VIRTUAL;', pg: 18 },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE orders (price numeric, qty int);\nALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;',
      errors: [
        {
          messageId: 'storedGenerated',
          line: 1, column: 20, endLine: 1, endColumn: 85,
          messageIncludes: ['total', 'rewrites orders and all its indexes', 'ACCESS EXCLUSIVE lock on orders', 'blocks reads and writes'],
        },
      ],
    },
    {
      name: 'on PostgreSQL 18 the message points at VIRTUAL',
      sql: 'ALTER TABLE orders ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;',
      pg: 18,
      errors: [{ messageId: 'storedGeneratedVirtualAvailable', line: 1, column: 20, endLine: 1, endColumn: 85, messageIncludes: ['VIRTUAL'] }],
    },
    {
      name: 'only the offending subcommand is marked',
      sql: 'ALTER TABLE orders\n  ADD COLUMN note text,\n  ADD COLUMN cents bigint GENERATED ALWAYS AS ((price * 100)::bigint) STORED;',
      errors: [{ line: 3, column: 3, endLine: 3, endColumn: 77 }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: "-- prix €\nALTER TABLE \"commandes\" ADD COLUMN \"total€\" numeric GENERATED ALWAYS AS (prix * 2) STORED;",
      errors: [{ line: 2, column: 25, endLine: 2, endColumn: 90 }],
    },
  ],
});
