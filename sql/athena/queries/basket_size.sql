-- Basket value and units per transaction per store and business date. A basket is one sale transaction of a store
-- and date (returns excluded), as the warehouse's fact_basket and v_metric_basket count them. Amounts in the store's
-- currency. Reads store_day_baskets (a store-date's baskets per payment method, kept from sales_lines by the
-- pipeline), not the lines: counting distinct transactions over a month of lines took seconds.
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
WITH store_days AS (
  SELECT business_date, store_id, SUM(baskets) AS baskets, SUM(units) AS units, SUM(net_revenue) AS revenue
  FROM store_day_baskets
  WHERE month_start BETWEEN date_trunc('month', {{from}}) AND date_trunc('month', {{to}})
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
