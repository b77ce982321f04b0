-- Empties the facts (sales and their baskets, inventory events, purchase orders and their open lines) for the
-- business dates from {{from_date}} to {{to_date}} (inclusive, YYYY-MM-DD), ahead of the load statements of those
-- dates in the same batch (one transaction): `reload --warehouse` rebuilds a range whole, so a date the lake no
-- longer holds leaves the warehouse too (the load alone replaces only the dates it COPYs).
-- Placeholders: from_date, to_date.
DELETE FROM fact_sales
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM fact_basket
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

-- their category aggregates leave at the end of the load (load_sales_aggregates.sql), which rebuilds the dates
-- listed from what fact_sales then holds
INSERT INTO stg_sales_agg_dates (date_key)
SELECT DISTINCT date_key FROM agg_category_day
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM fact_inventory_event
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

-- po_open_line (migration 0011) follows, as in load_purchase_orders.sql: the order lines with rows in the range
-- are noted, and their rows replaced by their GROUP BY over what is left of fact_purchase_order.
DELETE FROM po_line_touched;

INSERT INTO po_line_touched (store_id, sku, po_id)
SELECT DISTINCT store_id, sku, po_id FROM fact_purchase_order
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM fact_purchase_order
WHERE date_key BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE);

DELETE FROM po_open_line
USING po_line_touched t
WHERE po_open_line.store_id = t.store_id AND po_open_line.sku = t.sku AND po_open_line.po_id = t.po_id;

-- the same statement ends load_purchase_orders.sql
INSERT INTO po_open_line (store_id, sku, po_id, order_date, expected_date, supplier, ordered, received)
SELECT
  o.store_id, o.sku, o.po_id,
  MIN(CASE WHEN o.event_type = 'purchase_order' THEN o.date_key END),
  MAX(o.expected_date),
  MAX(o.supplier),
  SUM(CASE WHEN o.event_type = 'purchase_order' THEN CAST(o.quantity AS BIGINT) ELSE 0 END),
  SUM(CASE WHEN o.event_type = 'receipt' THEN CAST(o.quantity AS BIGINT) ELSE 0 END)
FROM fact_purchase_order o
JOIN po_line_touched t ON t.store_id = o.store_id AND t.sku = o.sku AND t.po_id = o.po_id
GROUP BY o.store_id, o.sku, o.po_id
HAVING SUM(CASE WHEN o.event_type = 'purchase_order' THEN CAST(o.quantity AS BIGINT) ELSE 0 END)
  > SUM(CASE WHEN o.event_type = 'receipt' THEN CAST(o.quantity AS BIGINT) ELSE 0 END);
