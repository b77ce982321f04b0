-- Migration (queries at month scale): fact_basket, one row per transaction (a sale basket or a return) of a store
-- and business date: its customer, payment method, lines and units. Counting baskets from fact_sales groups every
-- line by basket_id (a month of 27M lines: about 2 s on DuckDB for the grouping alone); the dashboards' data sets
-- count these rows instead (about 2.6 lines a basket), and sum the amounts from fact_sales.
-- Kept with fact_sales by the same statements: load_sales_lines.sql replaces whole dates of both from the same
-- staging rows, clear_fact_dates.sql empties both. So fact_basket is always the GROUP BY below of fact_sales
-- (test/helpers/warehouse-fixture.ts basketFactGaps checks it after loads, reloads and this backfill).
-- customer_id and payment_method: those of the transaction's lines (one event, one customer; MAX picks it).
-- No amounts: the contract bounds each line within DECIMAL(18,2), but not a transaction (200 lines, or several
-- events sharing its id), so its sums would need DECIMAL(38,2), which DuckDB sums about ten times slower than
-- the lines' DECIMAL(18,2); and a sum that overflowed would fail the batch's load on every retry. Units are
-- BIGINT for the same reason (each line is at most 10,000).
CREATE TABLE IF NOT EXISTS fact_basket (
  date_key       DATE          NOT NULL ENCODE raw,
  store_id       VARCHAR(32)   NOT NULL ENCODE raw,
  basket_id      VARCHAR(64)   NOT NULL ENCODE zstd,
  event_type     VARCHAR(16)   NOT NULL ENCODE bytedict,
  customer_id    VARCHAR(64)   ENCODE zstd,
  payment_method VARCHAR(16)   ENCODE bytedict,
  lines          INTEGER       NOT NULL ENCODE az64,
  units          BIGINT        NOT NULL ENCODE az64,
  PRIMARY KEY (date_key, store_id, basket_id, event_type),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id)
)
DISTKEY (store_id)
COMPOUND SORTKEY (date_key, store_id);

-- The baskets of the sales already loaded (a warehouse migrated after its first loads).
INSERT INTO fact_basket (date_key, store_id, basket_id, event_type, customer_id, payment_method, lines, units)
SELECT date_key, store_id, basket_id, event_type, MAX(customer_id), MAX(payment_method), COUNT(*), SUM(qty_sold)
FROM fact_sales
GROUP BY date_key, store_id, basket_id, event_type;

-- A store's target per calendar day (the daily target x the weekday's weight), on its own: the data sets that
-- bring their own sales (store_day_metrics) read it without the sum of every line that v_metric_revenue_vs_target
-- makes. v_metric_revenue_vs_target reads it too, so the target has one definition: same columns, types, values.
CREATE OR REPLACE VIEW v_store_day_target AS
SELECT
  c.date_key,
  s.store_id,
  COALESCE(s.currency, rc.currency) AS currency,
  c.day_of_week,
  CAST(s.target_daily_revenue * w.weight AS DECIMAL(18,2)) AS target_revenue
FROM dim_calendar c
CROSS JOIN dim_store s
CROSS JOIN dim_reporting_currency rc
JOIN dim_weekday_profile w ON w.day_of_week = c.day_of_week;

CREATE OR REPLACE VIEW v_metric_revenue_vs_target AS
SELECT
  t.date_key,
  t.store_id,
  t.currency,
  t.day_of_week,
  CAST(COALESCE(f.net_revenue, 0) AS DECIMAL(18,2)) AS net_revenue,
  t.target_revenue,
  CAST(100 * CAST(COALESCE(f.net_revenue, 0) AS DECIMAL(18,4)) / NULLIF(t.target_revenue, 0) AS DECIMAL(12,2)) AS pct_of_target
FROM v_store_day_target t
LEFT JOIN (
  SELECT date_key, store_id, SUM(net_revenue) AS net_revenue FROM fact_sales GROUP BY date_key, store_id
) f ON f.date_key = t.date_key AND f.store_id = t.store_id;
