-- Reconcile: the lake's store_day_baskets per business date from {{from_date}} to {{to_date}}, for comparison with
-- the warehouse's sale baskets (functions/pipeline/reconcile/basket-check.ts). Runs on the curated query engine:
-- Athena in the cloud (month_start prunes the partitions), DuckDB over the local lake. One row per date with sale
-- baskets: business_date, baskets, units, net_revenue_cents (exact: the sum x 100).
SELECT business_date, sum(baskets) AS baskets, sum(units) AS units, sum(net_revenue) * 100 AS net_revenue_cents
FROM store_day_baskets
WHERE month_start BETWEEN date_trunc('month', DATE '{{from_date}}') AND date_trunc('month', DATE '{{to_date}}')
  AND business_date BETWEEN DATE '{{from_date}}' AND DATE '{{to_date}}'
GROUP BY business_date
