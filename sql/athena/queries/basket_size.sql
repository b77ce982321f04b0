-- Basket value and units per transaction per store and business date. A basket is one sale transaction
-- (transaction_id of 'sale' lines); returns are excluded (the definition of the warehouse view v_metric_basket).
-- Amounts in the store's currency.
-- @param from date = CAST((SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
WITH baskets AS (
  SELECT business_date, store_id, transaction_id, SUM(quantity) AS units, SUM(net_revenue) AS revenue
  FROM sales_lines
  WHERE event_type = 'sale'
    AND business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY business_date, store_id, transaction_id
)
SELECT
  business_date,
  store_id,
  COUNT(*) AS baskets,
  SUM(units) AS units,
  SUM(revenue) AS net_revenue,
  ROUND(SUM(revenue) / COUNT(*), 2) AS avg_basket_value,
  ROUND(CAST(SUM(units) AS DOUBLE) / COUNT(*), 2) AS units_per_transaction
FROM baskets
GROUP BY business_date, store_id
ORDER BY business_date, store_id
