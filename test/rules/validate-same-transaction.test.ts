import { ruleTester } from './tester';

const ADD_THEN_VALIDATE = 'ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_qty_positive;';

ruleTester('validate-same-transaction', {
  valid: [
    { name: 'without a transaction each statement commits on its own', sql: ADD_THEN_VALIDATE },
    {
      name: 'separate explicit transactions',
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT k CHECK (qty > 0) NOT VALID;\nCOMMIT;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT k;\nCOMMIT;',
    },
    {
      name: 'the ADD was in an earlier migration',
      history: 'CREATE TABLE orders (id bigint, qty int);\nALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;',
      sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_qty_positive;',
      inTransaction: true,
    },
    { name: 'a constraint of the same name on another table', sql: 'ALTER TABLE a ADD CONSTRAINT k CHECK (x > 0) NOT VALID;\nALTER TABLE b VALIDATE CONSTRAINT k;', inTransaction: true },
    { name: 'a COMMIT in a wrapped file ends the transaction', sql: 'ALTER TABLE orders ADD CONSTRAINT k CHECK (qty > 0) NOT VALID;\nCOMMIT;\nALTER TABLE orders VALIDATE CONSTRAINT k;', inTransaction: true },
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE orders (qty int);\n' + ADD_THEN_VALIDATE, inTransaction: true },
  ],
  invalid: [
    {
      name: 'the runner wraps the file in a transaction',
      sql: 'ALTER TABLE orders ADD CONSTRAINT orders_qty_positive CHECK (qty > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_qty_positive;',
      inTransaction: true,
      errors: [
        {
          messageId: 'sameTransaction',
          line: 2, column: 20, endLine: 2, endColumn: 59,
          messageIncludes: ['line 1', 'scan of orders', 'ACCESS EXCLUSIVE lock on orders', 'blocks reads and writes'],
        },
      ],
    },
    {
      name: 'one explicit transaction',
      sql: 'BEGIN;\nALTER TABLE orders ADD CONSTRAINT k CHECK (qty > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT k;\nCOMMIT;',
      errors: [{ messageId: 'sameTransaction', line: 3, column: 20, endLine: 3, endColumn: 41, messageIncludes: ['line 2'] }],
    },
    {
      name: 'one statement',
      sql: 'ALTER TABLE orders ADD CONSTRAINT k CHECK (qty > 0) NOT VALID, VALIDATE CONSTRAINT k;',
      errors: [{ messageId: 'sameTransaction', line: 1, column: 64, endLine: 1, endColumn: 85 }],
    },
    {
      name: 'an unnamed foreign key, validated by the name PostgreSQL gives it',
      sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_id_fkey;',
      inTransaction: true,
      errors: [{ line: 2, column: 20, endLine: 2, endColumn: 59, messageIncludes: ['SHARE ROW EXCLUSIVE lock on orders', 'blocks writes (reads continue)'] }],
    },
    {
      name: 'a BEGIN inside a wrapped file does not start a new transaction',
      sql: 'ALTER TABLE orders ADD CHECK (qty > 0) NOT VALID;\nBEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_qty_check;\nCOMMIT;',
      inTransaction: true,
      errors: [{ line: 3, column: 20, endLine: 3, endColumn: 56 }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: 'BEGIN; -- 検証 ✔\nALTER TABLE "注文" ADD CONSTRAINT "正" CHECK (n > 0) NOT VALID; ALTER TABLE "注文" VALIDATE CONSTRAINT "正";\nCOMMIT;',
      errors: [{ line: 2, column: 79, endLine: 2, endColumn: 102, messageIncludes: ['注文'] }],
    },
  ],
});
