import { ruleTester } from './tester';

ruleTester('mixed-ddl-dml', {
  valid: [
    { name: 'seed rows of a new table', sql: "CREATE TABLE roles (id int, name text);\nINSERT INTO roles VALUES (1, 'admin');" },
    { name: 'reads are not data changes', sql: 'ALTER TABLE users ADD COLUMN a int;\nSELECT count(*) FROM users;' },
    { name: 'comments are not schema changes', sql: "INSERT INTO audit VALUES (1);\nCOMMENT ON TABLE users IS 'people';" },
    { name: 'DDL on a new table', sql: 'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN a int;\nINSERT INTO t VALUES (1, 2);' },
    { name: 'only data changes', sql: 'UPDATE users SET a = 0 WHERE id = 1;\nDELETE FROM sessions WHERE id = 2;' },
  ],
  invalid: [
    {
      sql: 'ALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 0 WHERE id = 1;',
      errors: [{ messageId: 'dmlAfterDdl', line: 2, column: 1, endColumn: 13, messageIncludes: ['schema of users (line 1)', 'data in users', 'ACCESS EXCLUSIVE lock on users, which blocks reads and writes, is held'] }],
    },
    {
      sql: "INSERT INTO settings (key, value) VALUES ('a', 'b');\nCREATE INDEX i ON users (email);",
      errors: [{ messageId: 'ddlAfterDml', line: 2, column: 1, endColumn: 24, messageIncludes: ['data in settings (line 1)', 'schema of users, which takes a SHARE lock on users'] }],
    },
    {
      name: 'reported once per file',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nUPDATE users SET a = 0 WHERE id = 1;\nDELETE FROM orders WHERE id = 2;\nDROP INDEX users_a;',
      errors: [{ messageId: 'dmlAfterDdl', line: 2, column: 1, endColumn: 13 }],
    },
    {
      name: 'COPY FROM is a data change',
      sql: 'ALTER TABLE users ADD COLUMN a int;\nCOPY users (id, a) FROM stdin;\n1\t2\n\\.\n',
      errors: [{ messageId: 'dmlAfterDdl', line: 2, column: 1, endColumn: 11 }],
    },
  ],
});
