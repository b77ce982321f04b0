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
