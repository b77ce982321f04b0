-- Basket value and units per transaction per store and business date. A basket is one sale event: the contract's
-- unit, one till transaction, valid or quarantined as a whole, its lines numbered from 1. So baskets are counted by
-- their first lines, in the same single pass that sums the units and revenue: grouping a month's ~25M lines by
-- transaction_id first (10M groups) took 3-6 s. The warehouse's v_metric_basket groups by transaction_id; the two
-- differ only if a till split one transaction over several events. Returns are excluded. Amounts in the store's
-- currency.
-- @param from date = CAST((SELECT max(business_date) FROM sales_lines) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM sales_lines) | last business date (default: the latest in sales_lines)
-- @param store store = NULL | one store only (default: every store)
WITH store_days AS (
  SELECT
    business_date,
    store_id,
    SUM(CASE WHEN line_no = 1 THEN 1 ELSE 0 END) AS baskets,
    SUM(quantity) AS units,
    SUM(net_revenue) AS revenue
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
  ROUND(revenue / NULLIF(baskets, 0), 2) AS avg_basket_value,
  ROUND(CAST(units AS DOUBLE) / NULLIF(baskets, 0), 2) AS units_per_transaction
FROM store_days
ORDER BY business_date, store_id
