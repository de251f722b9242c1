import { ruleTester } from './tester';

ruleTester('unbatched-backfill', {
  valid: [
    'UPDATE users SET a = 0 WHERE id BETWEEN 1 AND 10000;',
    'UPDATE users SET a = 0 WHERE id >= 1 AND id < 10000;',
    'UPDATE users SET a = 0 WHERE 10000 > id AND id >= 1 AND a IS NULL;',
    'UPDATE users SET a = 0 WHERE id IN (SELECT id FROM users WHERE a IS NULL LIMIT 1000);',
    'UPDATE users SET a = 0 WHERE ctid = ANY (ARRAY(SELECT ctid FROM users WHERE a IS NULL LIMIT 500));',
    { name: 'a single row', sql: 'DELETE FROM sessions WHERE id = 42;' },
    { name: 'a list of values', sql: "DELETE FROM users WHERE email IN ('a@example.com', 'b@example.com');" },
    { name: 'a parameter', sql: 'UPDATE users SET a = 0 WHERE id = ANY ($1);' },
    { name: 'a table created in the file', sql: 'CREATE TABLE t (id int, a int);\nUPDATE t SET a = 0;' },
  ],
  invalid: [
    { sql: 'UPDATE users SET a = 0;', errors: [{ messageId: 'noWhere', line: 1, column: 1, endColumn: 13, messageIncludes: ['every row of users'] }] },
    { sql: 'DELETE FROM sessions WHERE expires_at < now();', errors: [{ messageId: 'notKeyRange', line: 1, column: 1, endColumn: 21, messageIncludes: ['DELETE of sessions'] }] },
    { name: 'IS NULL touches everything', sql: 'UPDATE users SET a = 0 WHERE a IS NULL;', errors: [{ messageId: 'notKeyRange', line: 1, column: 1, endColumn: 13 }] },
    { name: 'a one-sided range', sql: 'UPDATE users SET a = 0 WHERE id > 100;', errors: [{ messageId: 'notKeyRange', line: 1, column: 1, endColumn: 13 }] },
    {
      name: 'a join is not a key range',
      sql: 'UPDATE users u SET a = o.a FROM orgs o WHERE o.id = u.org_id;',
      errors: [{ messageId: 'notKeyRange', line: 1, column: 1, endColumn: 13 }],
    },
    { name: 'an unbounded OR arm', sql: 'UPDATE users SET a = 0 WHERE id = 1 OR a IS NULL;', errors: [{ messageId: 'notKeyRange', line: 1, column: 1, endColumn: 13 }] },
    {
      name: 'DDL in the same transaction holds its lock for the whole backfill',
      sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 0;\nCOMMIT;',
      errors: [{ messageId: 'noWhere', line: 3, column: 1, endColumn: 13, messageIncludes: ['taken on line 2 (users)', 'held for the whole backfill'] }],
    },
    { name: 'the table name on a later line', sql: 'UPDATE\n  users\nSET a = 0;', errors: [{ messageId: 'noWhere', line: 1, column: 1, endLine: 1, endColumn: 7 }] },
  ],
});
