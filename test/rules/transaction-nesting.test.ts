import { ruleTester } from './tester';

ruleTester('transaction-nesting', {
  valid: [
    'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;',
    'BEGIN;\nSAVEPOINT s;\nROLLBACK TO SAVEPOINT s;\nRELEASE SAVEPOINT s;\nCOMMIT;',
    'START TRANSACTION;\nSELECT 1;\nEND;',
    'BEGIN;\nCOMMIT;\nBEGIN;\nROLLBACK;',
    { name: 'the runner manages the transaction', sql: 'ALTER TABLE users ADD COLUMN a int;\nSAVEPOINT s;', inTransaction: true },
  ],
  invalid: [
    {
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;',
      errors: [{ messageId: 'unclosed', line: 1, column: 1, endColumn: 6, messageIncludes: ['no COMMIT'] }],
    },
    {
      name: 'nested BEGIN, then one COMMIT too many',
      sql: 'BEGIN;\nBEGIN;\nCOMMIT;\nCOMMIT;',
      errors: [
        { messageId: 'nested', line: 2, column: 1, endColumn: 6, messageIncludes: ['opened on line 1'] },
        { messageId: 'noBegin', line: 4, column: 1, endColumn: 7, messageIncludes: ['COMMIT without an open transaction'] },
      ],
    },
    { sql: 'ROLLBACK;', errors: [{ messageId: 'noBegin', line: 1, column: 1, endColumn: 9, messageIncludes: ['ROLLBACK'] }] },
    {
      name: 'BEGIN and COMMIT in a file the runner wraps',
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nCOMMIT;',
      inTransaction: true,
      errors: [
        { messageId: 'wrappedBegin', line: 1, column: 1, endColumn: 6, messageIncludes: ['BEGIN is ignored'] },
        { messageId: 'wrappedEnd', line: 3, column: 1, endColumn: 7, messageIncludes: ['COMMIT', 'half applied'] },
      ],
    },
    {
      name: 'assumeInTransaction from the configuration',
      sql: 'ALTER TABLE users ADD COLUMN a int;\ncommit work;',
      config: { assumeInTransaction: true },
      errors: [{ messageId: 'wrappedEnd', line: 2, column: 1, endColumn: 12, messageIncludes: ['COMMIT WORK'] }],
    },
    { sql: 'SAVEPOINT before_backfill;', errors: [{ messageId: 'savepointOutside', line: 1, column: 1, endColumn: 10, messageIncludes: ['25P01'] }] },
    {
      name: 'options are not part of the range',
      sql: 'START TRANSACTION ISOLATION LEVEL SERIALIZABLE;\nSELECT 1;',
      errors: [{ messageId: 'unclosed', line: 1, column: 1, endColumn: 18 }],
    },
  ],
});
