-- fact_purchase_order from the curated purchase_orders partitions of the batch's affected business dates: order
-- lines and the receipts' link rows. Placeholders and idempotency as in load_sales_lines.sql: each date present in
-- staging is replaced whole.
-- po_open_line (migration 0011) follows: the order lines with rows on the replaced dates (before and after) are
-- noted in po_line_touched, and exactly their rows are replaced by their GROUP BY over fact_purchase_order.
DELETE FROM stg_purchase_orders;

COPY stg_purchase_orders
FROM 's3://{{bucket}}/{{prefix}}'
IAM_ROLE '{{role}}'
FORMAT AS PARQUET;

DELETE FROM po_line_touched;

INSERT INTO po_line_touched (store_id, sku, po_id)
SELECT store_id, sku, po_id FROM fact_purchase_order
WHERE date_key IN (SELECT DISTINCT business_date FROM stg_purchase_orders)
UNION
SELECT store_id, sku, po_id FROM stg_purchase_orders;

DELETE FROM fact_purchase_order
WHERE date_key IN (SELECT DISTINCT business_date FROM stg_purchase_orders);

INSERT INTO fact_purchase_order (
  date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity, expected_date, supplier
)
SELECT
  s.business_date, s.occurred_at, s.store_id, s.sku, s.event_id, s.event_type, s.po_id, s.quantity, s.expected_date,
  s.supplier
FROM stg_purchase_orders s;

DELETE FROM po_open_line
USING po_line_touched t
WHERE po_open_line.store_id = t.store_id AND po_open_line.sku = t.sku AND po_open_line.po_id = t.po_id;

-- the same statement ends clear_fact_dates.sql
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
