-- Safe: VALIDATE CONSTRAINT scans the table under SHARE UPDATE EXCLUSIVE, which blocks no reads or writes.
SET lock_timeout = '2s';
SET statement_timeout = '30min';
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_not_negative;
