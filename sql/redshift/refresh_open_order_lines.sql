-- po_open_line (migration 0011) rebuilt for the order lines in the work list po_line_touched: the lines of the rows
-- the loads and reloads since the last refresh deleted or inserted (load_purchase_orders.sql, clear_fact_dates.sql).
-- Runs in the derived-tables batch, after the load's transaction committed: each listed line's row is what the
-- GROUP BY of fact_purchase_order gives now (none when it is no longer open). Then the list is emptied. The list is
-- durable, so a refresh that failed is made whole by the next one. No placeholders.
DELETE FROM po_open_line
USING po_line_touched t
WHERE po_open_line.store_id = t.store_id AND po_open_line.sku = t.sku AND po_open_line.po_id = t.po_id;

-- the list may name a line more than once (several loads since the last refresh): DISTINCT before the join, so
-- each fact row is counted once
INSERT INTO po_open_line (store_id, sku, po_id, order_date, expected_date, supplier, ordered, received)
SELECT
  o.store_id, o.sku, o.po_id,
  MIN(CASE WHEN o.event_type = 'purchase_order' THEN o.date_key END),
  MAX(o.expected_date),
  MAX(o.supplier),
  SUM(CASE WHEN o.event_type = 'purchase_order' THEN CAST(o.quantity AS BIGINT) ELSE 0 END),
  SUM(CASE WHEN o.event_type = 'receipt' THEN CAST(o.quantity AS BIGINT) ELSE 0 END)
FROM fact_purchase_order o
JOIN (SELECT DISTINCT store_id, sku, po_id FROM po_line_touched) t
  ON t.store_id = o.store_id AND t.sku = o.sku AND t.po_id = o.po_id
GROUP BY o.store_id, o.sku, o.po_id
HAVING SUM(CASE WHEN o.event_type = 'purchase_order' THEN CAST(o.quantity AS BIGINT) ELSE 0 END)
  > SUM(CASE WHEN o.event_type = 'receipt' THEN CAST(o.quantity AS BIGINT) ELSE 0 END);

DELETE FROM po_line_touched;
