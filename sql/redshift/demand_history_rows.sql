-- An upper bound of demand_history.sql's rows per store, {{history_start}} .. {{as_of_date}}: FitForecasts reads
-- the history of as many stores in one query as this bound lets it hold.
-- Placeholders: as_of_date, history_start.
--
-- demand_history.sql gives a store-SKU one row per date from its first stock count (at the earliest) through
-- as_of_date, and none before history_start: per store, the sum of those day counts over its counted SKUs.
SELECT store_id,
  SUM(CAST(DATEDIFF(day, CASE WHEN first_count > CAST('{{history_start}}' AS DATE) THEN first_count ELSE CAST('{{history_start}}' AS DATE) END,
    CAST('{{as_of_date}}' AS DATE)) + 1 AS BIGINT)) AS history_rows
FROM (
  SELECT store_id, sku, MIN(date_key) AS first_count
  FROM fact_inventory_event
  WHERE event_type = 'inventory_snapshot'
    AND date_key <= CAST('{{as_of_date}}' AS DATE)
  GROUP BY store_id, sku
) c
GROUP BY store_id
