-- Migration 0014: the fact loads (load_sales_lines.sql, load_inventory_events.sql, load_purchase_orders.sql) stage
-- their rows in temporary tables of their own session, created LIKE stg_sales_lines, stg_inventory_events and
-- stg_purchase_orders. Those tables stay as the templates (their columns and distribution key) and no longer hold
-- a load's rows: the rows the last load before this migration left in them are deleted.
DELETE FROM stg_sales_lines;

DELETE FROM stg_inventory_events;

DELETE FROM stg_purchase_orders;
