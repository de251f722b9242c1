import { fixTester } from './fix-check';
import { ruleTester } from './tester';

const config = { rules: { 'prefer-text': 'info' as const } };

ruleTester('prefer-text', {
  valid: [
    { name: 'off by default', sql: 'CREATE TABLE users (email varchar(255));' },
    { config, sql: 'CREATE TABLE users (email text CHECK (char_length(email) <= 255), note varchar);' },
    { config, name: 'varchar without a length is text', sql: 'ALTER TABLE users ADD COLUMN nickname character varying;' },
    { config, name: 'casts are not column types', sql: "SELECT 'x'::varchar(3);" },
  ],
  invalid: [
    {
      config,
      sql: 'CREATE TABLE users (email varchar(255) NOT NULL, name character varying(100), tags varchar(20)[], note varchar);',
      errors: [
        { messageId: 'varchar', line: 1, column: 27, endLine: 1, endColumn: 39, messageIncludes: ['email is varchar(255)', 'stores it exactly like text'] },
        { messageId: 'varchar', line: 1, column: 55, endLine: 1, endColumn: 77, messageIncludes: ['name is character varying(100)'] },
        { messageId: 'varchar', line: 1, column: 84, endLine: 1, endColumn: 97 },
      ],
    },
    {
      config,
      name: 'ADD COLUMN and ALTER COLUMN … TYPE',
      sql: 'ALTER TABLE users ADD COLUMN code VARCHAR ( 8 ), ALTER COLUMN name TYPE character varying(200) USING name::varchar(200);',
      errors: [
        { messageId: 'varchar', line: 1, column: 35, endLine: 1, endColumn: 48 },
        { messageId: 'varchar', line: 1, column: 73, endLine: 1, endColumn: 95 },
      ],
    },
    {
      config,
      name: 'multi-byte text, a qualified type and a collation after it',
      sql: '-- ü 😀\nCREATE TABLE "Ü" ("é" pg_catalog.varchar(3) COLLATE "C");',
      errors: [{ messageId: 'varchar', line: 2, column: 23, endLine: 2, endColumn: 44 }],
    },
  ],
});

fixTester('prefer-text', 'suggestion', [
  { sql: 'CREATE TABLE users (email character varying(255) NOT NULL);', output: 'CREATE TABLE users (email text NOT NULL);' },
  { name: 'keeps the array suffix', sql: 'ALTER TABLE users ADD COLUMN tags varchar(20)[];', output: 'ALTER TABLE users ADD COLUMN tags text[];' },
]);
