-- Migration (queries at month scale): po_open_line, the purchase-order lines still open, one row per
-- (store_id, sku, po_id) whose units ordered exceed those received, with the GROUP BY of fact_purchase_order that
-- the dashboards' open_purchase_orders data set made over the whole order history on every refresh. The data set
-- reads this table instead, so its cost follows the open lines, not the years of orders and receipts behind them.
-- Kept by the statements that change fact_purchase_order (load_purchase_orders.sql, clear_fact_dates.sql): each
-- notes the lines it touches in po_line_touched (the lines of the rows it deletes and of those it inserts), and the
-- derived-tables batch after it replaces exactly those lines' rows here with their new GROUP BY over
-- fact_purchase_order, open ones only. So po_open_line is always the GROUP BY below once that batch has run
-- (test/helpers/warehouse-fixture.ts openLineGaps checks it after
-- loads, reloads and this backfill). order_date: the first order row's date (NULL when only receipts name the
-- line, which then is not open); expected_date and supplier: the MAX over the line's rows (receipts have NULL).
CREATE TABLE IF NOT EXISTS po_open_line (
  store_id      VARCHAR(32)  NOT NULL ENCODE raw,
  sku           VARCHAR(64)  NOT NULL ENCODE zstd,
  po_id         VARCHAR(64)  NOT NULL ENCODE zstd,
  order_date    DATE         ENCODE az64,
  expected_date DATE         ENCODE az64,
  supplier      VARCHAR(256) ENCODE zstd,
  ordered       BIGINT       NOT NULL ENCODE az64,
  received      BIGINT       NOT NULL ENCODE az64,
  PRIMARY KEY (store_id, sku, po_id)
)
DISTKEY (sku)
SORTKEY (store_id, sku);

-- The work list of order lines changed since po_open_line's last refresh (the pipeline role may not create tables,
-- temporary ones included, so the work table is part of the schema): added to by the loads and reloads, emptied by
-- the refresh (refresh_open_order_lines.sql) once it has rebuilt them.
CREATE TABLE IF NOT EXISTS po_line_touched (
  store_id VARCHAR(32) NOT NULL ENCODE raw,
  sku      VARCHAR(64) NOT NULL ENCODE zstd,
  po_id    VARCHAR(64) NOT NULL ENCODE zstd
)
DISTKEY (sku)
SORTKEY (store_id, sku);

-- The open lines of the orders and receipts already loaded (a warehouse migrated after its first loads).
INSERT INTO po_open_line (store_id, sku, po_id, order_date, expected_date, supplier, ordered, received)
SELECT
  store_id, sku, po_id,
  MIN(CASE WHEN event_type = 'purchase_order' THEN date_key END),
  MAX(expected_date),
  MAX(supplier),
  SUM(CASE WHEN event_type = 'purchase_order' THEN CAST(quantity AS BIGINT) ELSE 0 END),
  SUM(CASE WHEN event_type = 'receipt' THEN CAST(quantity AS BIGINT) ELSE 0 END)
FROM fact_purchase_order
GROUP BY store_id, sku, po_id
HAVING SUM(CASE WHEN event_type = 'purchase_order' THEN CAST(quantity AS BIGINT) ELSE 0 END)
  > SUM(CASE WHEN event_type = 'receipt' THEN CAST(quantity AS BIGINT) ELSE 0 END);
