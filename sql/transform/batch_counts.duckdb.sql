-- The curate Lambda's counts for the batch's run record (curate.json): staged events, events curated (the rest
-- were duplicates), rows per curated table and net revenue. The Glue job counts the same in glue/curate_batch.py.
SELECT
  (SELECT count(*) FROM staged_events) AS staged,
  (SELECT count(*) FROM new_events) AS curated_events,
  (SELECT count(*) FROM new_sales_lines) AS sales_lines,
  (SELECT count(*) FROM new_inventory_events) AS inventory_events,
  (SELECT count(*) FROM new_purchase_orders) AS purchase_orders,
  (SELECT COALESCE(sum(net_revenue), 0) FROM new_sales_lines) AS net_revenue
