import { ruleTester } from './tester';

ruleTester('domain-constraint', {
  valid: [
    'ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0) NOT VALID;',
    'CREATE DOMAIN email AS text NOT NULL;',
    { name: 'a domain created in the same file', sql: 'CREATE DOMAIN positive_int AS int;\nALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0);' },
    'ALTER TABLE orders ADD CONSTRAINT quantity_positive CHECK (quantity > 0) NOT VALID;',
  ],
  invalid: [
    {
      sql: 'ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0);',
      errors: [{ messageId: 'addConstraint', line: 1, column: 27, endColumn: 68, messageIncludes: ['SHARE lock on every table using positive_int', 'blocks writes', 'full scan'] }],
    },
    {
      sql: 'ALTER DOMAIN app.positive_int ADD CHECK (VALUE > 0);',
      errors: [{ messageId: 'addConstraint', line: 1, column: 31, endColumn: 52, messageIncludes: ['app.positive_int'] }],
    },
    {
      sql: 'CREATE DOMAIN positive_int AS int NOT NULL CONSTRAINT positive CHECK (VALUE > 0) DEFAULT 1;',
      errors: [{ messageId: 'createWithCheck', line: 1, column: 44, endColumn: 81, messageIncludes: ['SHARE lock on every table using positive_int'] }],
    },
    {
      sql: "-- 😀\nCREATE DOMAIN \"ćode\" AS text CHECK (VALUE ~ '^[A-Z]{2}$');",
      errors: [{ messageId: 'createWithCheck', line: 2, column: 30, endColumn: 58 }],
    },
  ],
});
