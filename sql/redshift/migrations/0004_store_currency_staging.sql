-- Migration 0004: stores.csv may end with a `currency` column (ISO 4217). The reference load COPYs the file into
-- stg_store by position with FILLRECORD, so a file without the column (every lake before it existed) loads the
-- column empty, and the load fills dim_store.currency with the reporting currency then.
ALTER TABLE stg_store ADD COLUMN currency VARCHAR(3) DEFAULT NULL;
