import { ruleTester } from './tester';

ruleTester('constraint-not-valid', {
  valid: [
    'ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;',
    'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    { name: 'validation takes only SHARE UPDATE EXCLUSIVE', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;' },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE orders (id bigint, user_id bigint);\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0);',
      errors: [
        {
          messageId: 'check',
          line: 1, column: 20, endLine: 1, endColumn: 70,
          messageIncludes: ['ADD CONSTRAINT orders_qty_positive CHECK', 'scans all of orders', 'ACCESS EXCLUSIVE lock on orders', 'blocks reads and writes'],
        },
      ],
    },
    {
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      errors: [
        {
          messageId: 'foreignKey',
          line: 1, column: 20, endLine: 1, endColumn: 93,
          messageIncludes: ['SHARE ROW EXCLUSIVE lock on orders', 'SHARE ROW EXCLUSIVE lock on users', 'blocks writes (reads continue)', 'scanning orders and looking each one up in users'],
        },
      ],
    },
    {
      name: 'a self-reference names the table once',
      sql: 'ALTER TABLE comments ADD FOREIGN KEY (parent_id) REFERENCES comments (id);',
      errors: [{ messageId: 'foreignKeySelf', line: 1, column: 22, endLine: 1, endColumn: 74, messageIncludes: ['SHARE ROW EXCLUSIVE lock on comments'] }],
    },
    {
      name: 'only the offending subcommand is marked',
      sql: 'ALTER TABLE orders\n  ADD CONSTRAINT ok CHECK (qty > 0) NOT VALID,\n  ADD CHECK (price >= 0);',
      errors: [{ messageId: 'check', line: 3, column: 3, endLine: 3, endColumn: 25 }],
    },
    {
      name: 'a table from the history is existing',
      history: 'CREATE TABLE orders (id bigint, qty int);',
      sql: 'ALTER TABLE orders ADD CHECK (qty > 0);',
      errors: [{ line: 1, column: 20, endLine: 1, endColumn: 39 }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- Bestellungen ✓\nALTER TABLE "Bestellungen" ADD CONSTRAINT "menge_größer_null" CHECK ("menge" > 0);',
      errors: [{ line: 2, column: 28, endLine: 2, endColumn: 82 }],
    },
    {
      name: 'autofix: NOT VALID after a CHECK',
      sql: 'ALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty > 0);',
      errors: [{ messageId: 'check', line: 1, column: 20 }],
      output: 'ALTER TABLE orders ADD CONSTRAINT qty_positive CHECK (qty > 0) NOT VALID;',
    },
    {
      name: 'autofix: NOT VALID after NO INHERIT',
      sql: 'ALTER TABLE orders ADD CHECK (qty > 0) NO INHERIT;',
      errors: [{ messageId: 'check', line: 1, column: 20 }],
      output: 'ALTER TABLE orders ADD CHECK (qty > 0) NO INHERIT NOT VALID;',
    },
    {
      name: 'autofix: NOT VALID after the actions and DEFERRABLE, before the next subcommand',
      sql: 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, ADD COLUMN note text;',
      errors: [{ messageId: 'foreignKey', line: 1, column: 20 }],
      output:
        'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID, ADD COLUMN note text;',
    },
    {
      name: 'autofix: before a trailing comment',
      sql: 'ALTER TABLE orders\n  ADD CONSTRAINT c CHECK (qty > 0) -- positive\n;',
      errors: [{ messageId: 'check', line: 2, column: 3 }],
      output: 'ALTER TABLE orders\n  ADD CONSTRAINT c CHECK (qty > 0) NOT VALID -- positive\n;',
    },
    {
      name: 'autofix: two constraints in one statement',
      sql: 'ALTER TABLE orders ADD CHECK (qty > 0), ADD FOREIGN KEY (user_id) REFERENCES orders (id);',
      errors: [
        { messageId: 'check', line: 1, column: 20 },
        { messageId: 'foreignKeySelf', line: 1, column: 41 },
      ],
      output: 'ALTER TABLE orders ADD CHECK (qty > 0) NOT VALID, ADD FOREIGN KEY (user_id) REFERENCES orders (id) NOT VALID;',
    },
    {
      name: 'no autofix on a partitioned table (NOT VALID foreign keys are rejected there)',
      history: 'CREATE TABLE events (id int, user_id int) PARTITION BY RANGE (id);',
      sql: 'ALTER TABLE events ADD CONSTRAINT events_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      errors: [{ messageId: 'foreignKey', line: 1, column: 20 }],
      output: 'ALTER TABLE events ADD CONSTRAINT events_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
    },
    {
      name: 'autofix: a CHECK on a partitioned table takes NOT VALID',
      history: 'CREATE TABLE events (id int, user_id int) PARTITION BY RANGE (id);',
      sql: 'ALTER TABLE events ADD CONSTRAINT events_id_positive CHECK (id > 0);',
      errors: [{ messageId: 'check', line: 1, column: 20 }],
      output: 'ALTER TABLE events ADD CONSTRAINT events_id_positive CHECK (id > 0) NOT VALID;',
    },
  ],
});
