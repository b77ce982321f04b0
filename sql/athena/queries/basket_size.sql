-- Average basket per store and business date: items and revenue per sale transaction (returns excluded).
WITH baskets AS (
  SELECT business_date, store_id, transaction_id, SUM(quantity) AS items, SUM(net_revenue) AS revenue
  FROM sales_lines
  WHERE event_type = 'sale'
    AND business_date BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
  GROUP BY business_date, store_id, transaction_id
)
SELECT
  business_date,
  store_id,
  COUNT(*) AS baskets,
  ROUND(AVG(items), 2) AS avg_items,
  ROUND(AVG(revenue), 2) AS avg_basket_revenue
FROM baskets
GROUP BY business_date, store_id
ORDER BY business_date, store_id
