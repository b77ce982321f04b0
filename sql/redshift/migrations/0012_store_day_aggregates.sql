-- Migration (queries at month scale): agg_store_day, one row per store and business date with every sum the
-- dashboards' data sets store_day_metrics and daily_store_sales take from the day's lines and baskets, which they
-- read instead of grouping every line of fact_sales (a month of 31M lines: 1.5 s on DuckDB) and every transaction
-- of fact_basket. One row a store-day (a month at 1,000 stores: 30,000 rows), read as it is, not summed again:
--  - net_units, net_revenue, gross_margin: all its lines (sales and returns), in the store's currency;
--  - basket_lines, basket_units, basket_revenue: the lines of sale events (0 on a day with returns only);
--  - loyalty_revenue: the sale lines with a customer id;
--  - baskets, loyalty_visits: its sale transactions (fact_basket rows of event_type 'sale'), and those of them
--    with a customer id (a return is not a basket, as in the metric views of migration 0005).
-- Kept equal to that GROUP BY of fact_sales and fact_basket as agg_category_day (migration 0010) is: the dates
-- listed in stg_sales_agg_dates are rebuilt by the derived tables' batch after each load (load_sales_aggregates.sql).
-- test/helpers/warehouse-fixture.ts storeAggregateGaps checks it after loads, reloads and this backfill.
-- Amounts DECIMAL(38,2) and counts BIGINT: sums over a store-day's lines, not bounded as a line is.
CREATE TABLE IF NOT EXISTS agg_store_day (
  date_key        DATE          NOT NULL ENCODE raw,
  store_id        VARCHAR(32)   NOT NULL ENCODE raw,
  net_units       BIGINT        NOT NULL ENCODE az64,
  net_revenue     DECIMAL(38,2) NOT NULL ENCODE az64,
  gross_margin    DECIMAL(38,2) NOT NULL ENCODE az64,
  basket_lines    BIGINT        NOT NULL ENCODE az64,
  basket_units    BIGINT        NOT NULL ENCODE az64,
  basket_revenue  DECIMAL(38,2) NOT NULL ENCODE az64,
  loyalty_revenue DECIMAL(38,2) NOT NULL ENCODE az64,
  baskets         BIGINT        NOT NULL ENCODE az64,
  loyalty_visits  BIGINT        NOT NULL ENCODE az64,
  PRIMARY KEY (date_key, store_id),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id)
)
DISTKEY (store_id)
COMPOUND SORTKEY (date_key, store_id);

-- The sales already loaded (a warehouse migrated after its first loads), every date: load_sales_aggregates.sql's
-- INSERT without its filter on stg_sales_agg_dates (dates still listed there are rebuilt again by the next derived tables' batch).
INSERT INTO agg_store_day (date_key, store_id, net_units, net_revenue, gross_margin, basket_lines, basket_units, basket_revenue, loyalty_revenue, baskets, loyalty_visits)
SELECT a.date_key, a.store_id, a.net_units, a.net_revenue, a.gross_margin, a.basket_lines, a.basket_units, a.basket_revenue, a.loyalty_revenue,
  COALESCE(b.baskets, 0), COALESCE(b.loyalty_visits, 0)
FROM (
  -- by sale or return and with or without a customer first (plain sums over the lines), then folded per store-day
  SELECT date_key, store_id,
    SUM(units) AS net_units,
    SUM(net_revenue) AS net_revenue,
    SUM(gross_margin) AS gross_margin,
    SUM(CASE WHEN event_type = 'sale' THEN lines ELSE 0 END) AS basket_lines,
    SUM(CASE WHEN event_type = 'sale' THEN units ELSE 0 END) AS basket_units,
    SUM(CASE WHEN event_type = 'sale' THEN net_revenue ELSE 0 END) AS basket_revenue,
    SUM(CASE WHEN event_type = 'sale' AND with_customer THEN net_revenue ELSE 0 END) AS loyalty_revenue
  FROM (
    SELECT date_key, store_id, event_type, customer_id IS NOT NULL AS with_customer,
      SUM(CAST(qty_sold AS BIGINT)) AS units, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin, COUNT(*) AS lines
    FROM fact_sales
    GROUP BY date_key, store_id, event_type, customer_id IS NOT NULL
  ) parts
  GROUP BY date_key, store_id
) a
LEFT JOIN (
  SELECT date_key, store_id, COUNT(*) AS baskets, COUNT(customer_id) AS loyalty_visits
  FROM fact_basket
  WHERE event_type = 'sale'
  GROUP BY date_key, store_id
) b ON b.date_key = a.date_key AND b.store_id = a.store_id;
