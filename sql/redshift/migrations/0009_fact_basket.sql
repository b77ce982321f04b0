-- Migration (queries at month scale): fact_basket, one row per transaction (a sale basket or a return) of a store
-- and business date, with its lines' sums in the store's currency. Counting or grouping baskets from fact_sales
-- groups every line by basket_id (a month of 27M lines: 4.4 s of CPU on DuckDB for the grouping alone); the
-- dashboards' data sets read these rows instead (about 2.6 lines a basket).
-- Kept with fact_sales by the same statements: load_sales_lines.sql replaces whole dates of both from the same
-- staging rows, clear_fact_dates.sql empties both. So fact_basket is always the GROUP BY below of fact_sales
-- (test/helpers/warehouse-fixture.ts basketFactMismatches checks it after loads, reloads and this backfill).
-- customer_id and payment_method: those of the transaction's lines (one event, one customer; MAX picks it).
-- gross_margin is fact_sales's (revenue - the cost in the reporting currency): readers convert it as
-- v_sales_reporting does.
-- Sums are wider than a line's: the contract bounds each line's amounts within DECIMAL(18,2) and quantity, but a
-- transaction has up to 200 lines and several events may share its id, so its sums may not fit a line's columns
-- (an overflow here would fail the batch's load on every retry).
CREATE TABLE IF NOT EXISTS fact_basket (
  date_key       DATE          NOT NULL ENCODE raw,
  store_id       VARCHAR(32)   NOT NULL ENCODE raw,
  basket_id      VARCHAR(64)   NOT NULL ENCODE zstd,
  event_type     VARCHAR(16)   NOT NULL ENCODE bytedict,
  customer_id    VARCHAR(64)   ENCODE zstd,
  payment_method VARCHAR(16)   ENCODE bytedict,
  lines          INTEGER       NOT NULL ENCODE az64,
  units          BIGINT        NOT NULL ENCODE az64,
  net_revenue    DECIMAL(38,2) NOT NULL ENCODE az64,
  gross_margin   DECIMAL(38,2) NOT NULL ENCODE az64,
  PRIMARY KEY (date_key, store_id, basket_id, event_type),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id)
)
DISTKEY (store_id)
COMPOUND SORTKEY (date_key, store_id);

-- The baskets of the sales already loaded (a warehouse migrated after its first loads).
INSERT INTO fact_basket (date_key, store_id, basket_id, event_type, customer_id, payment_method, lines, units, net_revenue, gross_margin)
SELECT date_key, store_id, basket_id, event_type, MAX(customer_id), MAX(payment_method), COUNT(*), SUM(qty_sold), SUM(net_revenue), SUM(gross_margin)
FROM fact_sales
GROUP BY date_key, store_id, basket_id, event_type;

-- Revenue vs target (migration 0005) sums the day's baskets instead of its lines: the same sums (each basket's is
-- exact), about a third of the rows to read. Same columns and types.
CREATE OR REPLACE VIEW v_metric_revenue_vs_target AS
SELECT
  c.date_key,
  s.store_id,
  COALESCE(s.currency, rc.currency) AS currency,
  c.day_of_week,
  CAST(COALESCE(f.net_revenue, 0) AS DECIMAL(18,2)) AS net_revenue,
  CAST(s.target_daily_revenue * w.weight AS DECIMAL(18,2)) AS target_revenue,
  CAST(100 * CAST(COALESCE(f.net_revenue, 0) AS DECIMAL(18,4)) / NULLIF(CAST(s.target_daily_revenue * w.weight AS DECIMAL(18,2)), 0) AS DECIMAL(12,2)) AS pct_of_target
FROM dim_calendar c
CROSS JOIN dim_store s
CROSS JOIN dim_reporting_currency rc
JOIN dim_weekday_profile w ON w.day_of_week = c.day_of_week
LEFT JOIN (
  SELECT date_key, store_id, SUM(net_revenue) AS net_revenue FROM fact_basket GROUP BY date_key, store_id
) f ON f.date_key = c.date_key AND f.store_id = s.store_id;
