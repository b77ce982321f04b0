-- fact_purchase_order from the curated purchase_orders partitions of the batch's affected business dates: order
-- lines and the receipts' link rows. Placeholders and idempotency as in load_sales_lines.sql: each affected date
-- present in staging is replaced whole.
-- po_open_line (migration 0011) follows: the order lines with rows on the replaced dates (before and after) are
-- added to the work list po_line_touched, whose lines the derived-tables batch after the load
-- (refresh_open_order_lines.sql) replaces by their GROUP BY over fact_purchase_order.
-- Staged in a temporary table of the load's session, as in load_sales_lines.sql.
CREATE TEMP TABLE tmp_purchase_orders (LIKE stg_purchase_orders);

COPY tmp_purchase_orders
FROM 's3://{{bucket}}/{{prefix}}'
IAM_ROLE '{{role}}'
FORMAT AS PARQUET;

INSERT INTO po_line_touched (store_id, sku, po_id)
SELECT store_id, sku, po_id FROM fact_purchase_order
WHERE date_key IN (SELECT DISTINCT business_date FROM tmp_purchase_orders WHERE {{date_filter}})
UNION
SELECT store_id, sku, po_id FROM tmp_purchase_orders WHERE {{date_filter}};

DELETE FROM fact_purchase_order
WHERE date_key IN (SELECT DISTINCT business_date FROM tmp_purchase_orders WHERE {{date_filter}});

INSERT INTO fact_purchase_order (
  date_key, timestamp_utc, store_id, sku, event_id, event_type, po_id, quantity, expected_date, supplier
)
SELECT
  s.business_date, s.occurred_at, s.store_id, s.sku, s.event_id, s.event_type, s.po_id, s.quantity, s.expected_date,
  s.supplier
FROM tmp_purchase_orders s
WHERE {{date_filter}};
