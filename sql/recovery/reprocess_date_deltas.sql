-- Per replaced date, what the reprocess changes: new minus old sales lines, net revenue in integer cents (exact:
-- net_revenue is DECIMAL(18,2)) and inventory events (purchase orders counted with them, receipt link rows not, as in
-- sql/transform/date_totals.sql). These are the reprocess run record's dateTotals, added to the batches' own, so
-- the per-date sums stay what the partitions hold.
-- Inputs: old_ and next_ sales_lines, inventory_events, purchase_orders; replaced_dates.
SELECT
  CAST(r.d AS VARCHAR) AS business_date,
  (SELECT count(*) FROM next_sales_lines n WHERE n.business_date = r.d)
    - (SELECT count(*) FROM old_sales_lines o WHERE o.business_date = r.d) AS sales_lines,
  (SELECT COALESCE(CAST(sum(n.net_revenue) * 100 AS BIGINT), 0) FROM next_sales_lines n WHERE n.business_date = r.d)
    - (SELECT COALESCE(CAST(sum(o.net_revenue) * 100 AS BIGINT), 0) FROM old_sales_lines o WHERE o.business_date = r.d) AS net_revenue_cents,
  (SELECT count(*) FROM next_inventory_events n WHERE n.business_date = r.d)
    - (SELECT count(*) FROM old_inventory_events o WHERE o.business_date = r.d)
    + (SELECT count(*) FROM next_purchase_orders n WHERE n.business_date = r.d AND n.event_type = 'purchase_order')
    - (SELECT count(*) FROM old_purchase_orders o WHERE o.business_date = r.d AND o.event_type = 'purchase_order') AS inventory_events
FROM replaced_dates r
ORDER BY r.d
