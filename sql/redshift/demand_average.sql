-- Average daily demand per store and SKU as of {{as_of_date}}: net units sold (sales minus returns, never
-- below 0) in the window {{window_start}}..{{as_of_date}}, divided by the days in that window on which the
-- store recorded any sales line (so a young lake or a closed day does not dilute demand; at least 1, since a
-- store with rows in the window has at least one such day). A SKU with no sales in the window has no row.
-- sigma_daily: the standard deviation of the daily net units over those same days (a day without a sale of
-- the SKU counts as 0), the forecast error of this estimate when stock risk uses it.
--
-- The fallback forecast: stock_risk.sql uses it for a store-SKU without a fitted forecast_model row (a new SKU,
-- or before the first fit). Only the store-SKUs of fallback_scope (store_id, sku), a relation of the enclosing
-- query, get a row: stock_risk.sql's counted store-SKUs without a model. At a month's history the run's whole
-- scope (2.3M store-SKUs, 28M lines in the window) took 20 s of a 36 s stock risk; its counted ones without a
-- model are a fifth of it.
WITH daily AS (
  SELECT f.store_id, f.sku, f.date_key, CAST(SUM(f.qty_sold) AS BIGINT) AS units
  FROM fact_sales f
  JOIN fallback_scope sc ON sc.store_id = f.store_id AND sc.sku = f.sku
  WHERE f.date_key BETWEEN CAST('{{window_start}}' AS DATE) AND CAST('{{as_of_date}}' AS DATE)
  GROUP BY f.store_id, f.sku, f.date_key
),
store_days AS (
  SELECT store_id, COUNT(DISTINCT date_key) AS days_with_data
  FROM fact_sales
  WHERE date_key BETWEEN CAST('{{window_start}}' AS DATE) AND CAST('{{as_of_date}}' AS DATE)
    AND store_id IN (SELECT store_id FROM fallback_scope)
  GROUP BY store_id
),
sums AS (
  SELECT
    d.store_id,
    d.sku,
    CAST(CASE WHEN SUM(d.units) > 0 THEN SUM(d.units) ELSE 0 END AS DECIMAL(18,4)) / MAX(s.days_with_data) AS mean_units,
    -- squared as whole numbers (a day's units are): BIGINT holds a best seller's 150,000 units a day squared (2.25 x
    -- 10^10) many times over. The square in DECIMAL(24,4) was exact too, but its 128-bit multiplication and rescaling
    -- took DuckDB 0.53 s of a 1.4 s stock risk at the seed's scale (674k store-SKUs)
    CAST(SUM(d.units * d.units) AS DECIMAL(24,4)) / MAX(s.days_with_data) AS mean_square
  FROM daily d
  JOIN store_days s ON s.store_id = d.store_id
  GROUP BY d.store_id, d.sku
)
SELECT
  store_id,
  sku,
  CAST(mean_units AS DECIMAL(12,4)) AS avg_daily_demand,
  CAST(SQRT(CAST(CASE WHEN mean_square > mean_units * mean_units THEN mean_square - mean_units * mean_units ELSE 0 END AS DOUBLE PRECISION)) AS DECIMAL(18,4)) AS sigma_daily
FROM sums
