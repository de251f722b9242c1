import { ruleTester } from './tester';

ruleTester('add-exclusion-constraint', {
  valid: [
    { name: 'a table created earlier in the file is empty', sql: 'CREATE TABLE bookings (room int, during tstzrange);\nALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);' },
    { name: 'other constraints are other rules', sql: 'ALTER TABLE bookings ADD CONSTRAINT k CHECK (room > 0) NOT VALID;' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);',
      errors: [
        {
          messageId: 'exclusionNoTimeout',
          line: 1, column: 22, endLine: 1, endColumn: 96,
          messageIncludes: ['ACCESS EXCLUSIVE lock on bookings', 'blocks reads and writes', 'no lock_timeout'],
        },
      ],
    },
    {
      name: 'with a lock_timeout the build itself is still blocking',
      sql: "SET lock_timeout = '2s';\nALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);",
      errors: [{ messageId: 'exclusion', line: 2, column: 22, endLine: 2, endColumn: 61, messageIncludes: ['no NOT VALID or USING INDEX form'] }],
    },
    {
      name: 'a lock_timeout from configuration counts',
      sql: 'ALTER TABLE bookings ADD EXCLUDE USING gist (during WITH &&);',
      config: { lockTimeout: '3s' },
      errors: [{ messageId: 'exclusion', line: 1, column: 22, endLine: 1, endColumn: 61 }],
    },
    {
      name: 'multi-byte text keeps columns exact',
      sql: '-- réservations 🛏\nALTER TABLE "réservations" ADD EXCLUDE USING gist ("période" WITH &&);',
      errors: [{ line: 2, column: 28, endLine: 2, endColumn: 70 }],
    },
  ],
});
