-- Empties the facts (sales and their baskets, inventory events, purchase orders and their open lines) for the
-- business dates from {{from_date}} to {{to_date}} (inclusive, YYYY-MM-DD), ahead of the load statements of those
-- dates in the same batch (one transaction): `reload --warehouse` rebuilds a range whole, so a date the lake no
-- longer holds leaves the warehouse too (the load alone replaces only the dates it COPYs).
-- Placeholders: from_date, to_date.
DELETE FROM fact_sales
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM fact_basket
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

-- their aggregates leave in the derived-tables batch after the load (load_sales_aggregates.sql), which rebuilds the
-- dates listed from what fact_sales then holds: the dates of any aggregate table, which code from before one of
-- them (a rolled-back deploy) may have left with rows in the others only
INSERT INTO stg_sales_agg_dates (date_key)
SELECT date_key FROM agg_category_day
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE)
UNION
SELECT date_key FROM agg_store_day
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE)
UNION
SELECT date_key FROM agg_sku_day
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM fact_inventory_event
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

-- po_open_line (migration 0011) follows, as in load_purchase_orders.sql: the order lines with rows in the range
-- join the work list of refresh_open_order_lines.sql, which replaces their rows by their GROUP BY over what the
-- facts then hold.
INSERT INTO po_line_touched (store_id, sku, po_id)
SELECT DISTINCT store_id, sku, po_id FROM fact_purchase_order
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM fact_purchase_order
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);
