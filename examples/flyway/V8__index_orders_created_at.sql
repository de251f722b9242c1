-- Safe: CONCURRENTLY builds the index without blocking writes. It cannot run inside a transaction, so
-- V8__index_orders_created_at.sql.conf tells Flyway to run this file outside one.
SET lock_timeout = '2s';
SET statement_timeout = '30min';
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_at_idx ON orders (created_at);
