-- orders already holds data: a plain CREATE INDEX stops every write to it until the index is built.
CREATE INDEX orders_user_id_idx ON orders (user_id);
