import { ruleTester } from './tester';

const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, created_at timestamptz);';
const ADD_FK = 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';

ruleTester('fk-missing-index', {
  valid: [
    {
      name: 'an index created later in the same file counts',
      sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\nCREATE INDEX orders_user_id_idx ON orders (user_id);',
    },
    { name: 'the primary key leads with the column', sql: 'CREATE TABLE profiles (user_id bigint PRIMARY KEY REFERENCES users (id), bio text);' },
    {
      name: 'leading columns in another order',
      sql: 'CREATE TABLE lines (order_id bigint, shop_id bigint, n int, PRIMARY KEY (shop_id, order_id, n), FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id));',
    },
    { name: 'a table the model does not know', sql: ADD_FK },
    {
      name: 'an index created after a rename counts',
      sql: 'CREATE TABLE orders_new (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\nALTER TABLE orders_new RENAME TO orders;\nCREATE INDEX orders_user_idx ON orders (user_id);',
    },
    { name: 'a table dropped later in the file', sql: 'CREATE TABLE tmp (user_id bigint REFERENCES users);\nDROP TABLE tmp;' },
    { name: 'the history has an index leading with the columns', history: `${ORDERS}\nCREATE INDEX orders_user_created_idx ON orders (user_id, created_at);`, sql: ADD_FK },
  ],
  invalid: [
    {
      name: 'a table renamed later in the file is checked under its new name',
      sql: 'CREATE TABLE orders_new (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\nALTER TABLE orders_new RENAME TO orders;',
      errors: [{ messageId: 'missingIndex', line: 1, column: 49, endColumn: 80, messageIncludes: ['No index on orders_new starts with (user_id)'] }],
    },
    {
      name: 'a table from the history with no index on the columns',
      history: ORDERS,
      sql: ADD_FK,
      errors: [{ messageId: 'missingIndex', line: 1, column: 24, endColumn: 103, messageIncludes: ['No index on orders starts with (user_id)'] }],
    },
    {
      sql: 'CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint NOT NULL REFERENCES users (id)\n);',
      errors: [{ messageId: 'missingIndex', line: 3, column: 3, endLine: 3, endColumn: 48, messageIncludes: ['No index on orders starts with (user_id)', 'DELETE or key UPDATE on users scans all of orders'] }],
    },
    {
      name: 'a table constraint, with an index that does not lead with its columns',
      sql: 'CREATE TABLE lines (order_id bigint, shop_id bigint, CONSTRAINT lines_order_fk FOREIGN KEY (order_id, shop_id) REFERENCES orders (id, shop_id));\nCREATE INDEX lines_shop_idx ON lines (shop_id);',
      errors: [{ line: 1, column: 54, endColumn: 143, messageIncludes: ['(order_id, shop_id)', 'on orders'] }],
    },
    {
      name: 'ALTER TABLE … ADD CONSTRAINT and ADD COLUMN … REFERENCES on a table created in the file',
      sql: 'CREATE TABLE comments (id bigint PRIMARY KEY, body text);\nALTER TABLE comments ADD COLUMN post_id bigint REFERENCES posts, ADD CONSTRAINT comments_author_fk FOREIGN KEY (author_id) REFERENCES "ü😀";',
      errors: [
        { line: 2, column: 33, endColumn: 64, messageIncludes: ['(post_id)', 'on posts'] },
        { line: 2, column: 70, endColumn: 140, messageIncludes: ['(author_id)', 'on ü😀'] },
      ],
    },
  ],
});
