-- Average daily demand per store and SKU as of {{as_of_date}}: net units sold (sales minus returns, never
-- below 0) in the window {{window_start}}..{{as_of_date}}, divided by the days in that window on which the
-- store recorded any sales line (so a young lake or a closed day does not dilute demand; at least 1, since a
-- store with rows in the window has at least one such day). A SKU with no sales in the window has no row.
--
-- This is the forecasting seam: stock_risk.sql takes any SELECT returning (store_id, sku, avg_daily_demand)
-- here (functions/lib/risk/demand.ts chooses the file), so a real forecast can replace the average without
-- touching the stock-position arithmetic.
SELECT
  f.store_id,
  f.sku,
  CAST(
    CAST(CASE WHEN SUM(f.qty_sold) > 0 THEN SUM(f.qty_sold) ELSE 0 END AS DECIMAL(18,4))
    / MAX(d.days_with_data)
  AS DECIMAL(12,4)) AS avg_daily_demand
FROM fact_sales f
JOIN (
  SELECT store_id, COUNT(DISTINCT date_key) AS days_with_data
  FROM fact_sales
  WHERE date_key BETWEEN CAST('{{window_start}}' AS DATE) AND CAST('{{as_of_date}}' AS DATE)
  GROUP BY store_id
) d ON d.store_id = f.store_id
WHERE f.date_key BETWEEN CAST('{{window_start}}' AS DATE) AND CAST('{{as_of_date}}' AS DATE)
GROUP BY f.store_id, f.sku
