-- Migration 0002: the currency of a store's amounts (ISO 4217), for the multi-currency reporting to come.
-- Every amount in the lake is in one currency today, and stores.csv has no currency column yet: the default
-- names it, and it fills the existing rows and every row the reference load inserts (load_reference.sql lists
-- its columns, so the load needs no change).
ALTER TABLE dim_store ADD COLUMN currency CHAR(3) DEFAULT 'USD' ENCODE bytedict;
