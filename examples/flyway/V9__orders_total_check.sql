-- Safe: NOT VALID adds the check for new rows at once, without scanning the existing ones;
-- V10 validates them later under a lock that lets reads and writes go on.
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_total_not_negative CHECK (total >= 0) NOT VALID;
