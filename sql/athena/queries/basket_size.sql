-- Basket value and units per transaction per store and business date. A basket is one sale transaction
-- (transaction_id of 'sale' lines); returns are excluded (the definition of the warehouse view v_metric_basket).
-- Amounts in the store's currency.
-- @param from date = CAST((SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
WITH store_days AS (
  -- a transaction may come as several events: a store-date's baskets are its distinct transaction ids, and their
  -- units and revenue its lines' (no group per transaction with its sums: a month has millions)
  SELECT business_date, store_id, COUNT(DISTINCT transaction_id) AS baskets, SUM(quantity) AS units, SUM(net_revenue) AS revenue
  FROM sales_lines
  WHERE event_type = 'sale'
    AND business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY business_date, store_id
)
SELECT
  business_date,
  store_id,
  baskets,
  units,
  revenue AS net_revenue,
  ROUND(revenue / baskets, 2) AS avg_basket_value,
  ROUND(CAST(units AS DOUBLE) / baskets, 2) AS units_per_transaction
FROM store_days
ORDER BY business_date, store_id
