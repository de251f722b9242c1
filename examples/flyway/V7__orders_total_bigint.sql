-- integer → bigint rewrites the whole table and its indexes under an ACCESS EXCLUSIVE lock.
ALTER TABLE orders ALTER COLUMN total TYPE bigint;
