-- Reconcile: the sales lines and revenue the warehouse holds, compared with the curated sales_lines
-- (functions/pipeline/reconcile/reconcile.ts). One row: sales_lines, net_revenue.
SELECT count(*) AS sales_lines, COALESCE(sum(net_revenue), 0) AS net_revenue FROM fact_sales
