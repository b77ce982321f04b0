-- Reconcile: what the curated tables and quarantine hold, for comparison with the run records and the
-- warehouse (functions/pipeline/reconcile/reconcile.ts). Runs on the curated query engine: Athena in the
-- cloud, DuckDB over the local lake. One row: events (distinct sales events + inventory events),
-- sales_lines, net_revenue, quarantined.
SELECT
  (SELECT count(DISTINCT event_id) FROM sales_lines) + (SELECT count(*) FROM inventory_events) AS events,
  (SELECT count(*) FROM sales_lines) AS sales_lines,
  (SELECT COALESCE(sum(net_revenue), 0) FROM sales_lines) AS net_revenue,
  (SELECT count(*) FROM quarantine) AS quarantined
