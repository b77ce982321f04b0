-- Migration (queries at month scale): agg_sku_day, the sales of each business date and SKU over every store,
-- which the dashboards' direct-query data set sku_day_sales reads when a visual's filters keep every store (its
-- `everyStore` SQL, dashboards/sales-datasets.ts) instead of grouping a month of fact_sales lines (27M) into its
-- store x date x SKU rows (21M) on every query: 6.6 s on DuckDB for the default view of store-performance.
-- One row per date and SKU with sales: net units, and the net revenue in the reporting currency as sku_day_sales
-- sums it: each store's lines of the SKU on the date summed in the store's currency, that sum converted once at
-- the date's rate (CAST(CAST(sum AS DECIMAL(38,2)) * rate AS DECIMAL(38,2)), dashboards/group-conversion.ts), then
-- summed over the stores; NULL when no store selling it that day has a rate (SUM skips a store without one, as
-- the data set's SUM skips its NULL rows). So the converted amounts depend on the stores' currencies, the rates
-- and the reporting currency as well as the lines: kept equal to that GROUP BY by rebuilding the dates listed in
-- stg_sales_agg_dates at the end of each load (load_sales_aggregates.sql), which the load lists for the sales it
-- replaces (load_sales_lines.sql), for a reload (clear_fact_dates.sql), and in load_reference.sql for the sales
-- of a store whose currency changes and the dates from the first rate that changes on (every date when the
-- reporting currency changes). test/helpers/warehouse-fixture.ts skuAggregateGaps checks it.
-- Amounts DECIMAL(38,2) and units BIGINT: sums over a day's stores, not bounded as a line is.
CREATE TABLE IF NOT EXISTS agg_sku_day (
  date_key        DATE          NOT NULL ENCODE raw,
  sku             VARCHAR(64)   NOT NULL ENCODE zstd,
  net_units       BIGINT        NOT NULL ENCODE az64,
  net_revenue_rpt DECIMAL(38,2) ENCODE az64,
  PRIMARY KEY (date_key, sku),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key)
)
DISTKEY (sku)
COMPOUND SORTKEY (date_key, sku);

-- The sales already loaded (a warehouse migrated after its first loads): every date. The same statement as
-- load_sales_aggregates.sql's INSERT without its list of dates (stg_sales_agg_dates may hold a load's pending
-- dates: it is left as it is).
INSERT INTO agg_sku_day (date_key, sku, net_units, net_revenue_rpt)
SELECT v.date_key, v.sku, SUM(v.net_units),
  SUM(CASE WHEN COALESCE(s.currency, rc.currency) = rc.currency THEN CAST(v.net_revenue AS DECIMAL(38,2))
      ELSE CAST(CAST(v.net_revenue AS DECIMAL(38,2)) * x.rate AS DECIMAL(38,2)) END)
FROM (
  SELECT date_key, store_id, sku, SUM(qty_sold) AS net_units, SUM(net_revenue) AS net_revenue
  FROM fact_sales
  GROUP BY date_key, store_id, sku
) v
CROSS JOIN dim_reporting_currency rc
LEFT JOIN dim_store s ON s.store_id = v.store_id
LEFT JOIN v_exchange_rate_daily x ON x.currency = s.currency AND x.date_key = v.date_key
GROUP BY v.date_key, v.sku;
