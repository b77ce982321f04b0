-- The series FitForecasts refits as of {{as_of_date}}, at most {{max_series}} of them: every store-SKU with a stock
-- count on or before it whose model is missing, due for review (next_review on or before it), or fitted after it
-- (a newer model does not serve an earlier date); with force = 1 every such store-SKU. Missing models first, then
-- the longest overdue: a backlog larger than one run's bound is worked off over the next runs.
-- Placeholders: as_of_date, max_series, force (0 | 1).
SELECT c.store_id, c.sku
FROM (
  SELECT DISTINCT store_id, sku
  FROM fact_inventory_event
  WHERE event_type = 'inventory_snapshot'
    AND date_key <= CAST('{{as_of_date}}' AS DATE)
) c
LEFT JOIN forecast_model m ON m.store_id = c.store_id AND m.sku = c.sku
WHERE {{force}} = 1
  OR m.store_id IS NULL
  OR m.next_review IS NULL
  OR m.next_review <= CAST('{{as_of_date}}' AS DATE)
  OR m.fitted_through > CAST('{{as_of_date}}' AS DATE)
ORDER BY
  CASE WHEN m.store_id IS NULL THEN 0 ELSE 1 END,
  COALESCE(m.next_review, CAST('1900-01-01' AS DATE)),
  c.store_id,
  c.sku
LIMIT {{max_series}}
