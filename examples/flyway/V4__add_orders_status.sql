-- Fails on a table that has rows (existing rows would be NULL), and breaks the running release's INSERTs.
ALTER TABLE orders ADD COLUMN status text NOT NULL;
