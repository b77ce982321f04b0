-- Stock lost per store and reason over a range of business dates: units removed by shrink, damage and count
-- corrections (negative inventory adjustments), valued at the product's unit cost.
-- @param from date = CAST((SELECT max(business_date) FROM inventory_events) - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM inventory_events) | last business date (default: the latest in inventory_events)
-- @param store store = NULL | one store only (default: every store)
-- per store, reason and SKU first, then valued at the SKU's cost (sum of quantity x cost = cost x summed quantity)
WITH by_sku AS (
  SELECT store_id, reason, sku, COUNT(*) AS adjustments, SUM(quantity_change) AS quantity_change
  FROM inventory_events
  WHERE event_type = 'inventory_adjustment'
    AND reason IN ('shrink', 'damage', 'count_correction')
    AND quantity_change < 0
    AND business_date BETWEEN {{from}} AND {{to}}
    AND ({{store}} IS NULL OR store_id = {{store}})
  GROUP BY store_id, reason, sku
)
SELECT
  e.store_id,
  e.reason,
  SUM(e.adjustments) AS adjustments,
  -SUM(e.quantity_change) AS units_lost,
  -SUM(e.quantity_change * p.unit_cost) AS cost_lost
FROM by_sku e
LEFT JOIN products p ON p.sku = e.sku
GROUP BY e.store_id, e.reason
ORDER BY cost_lost DESC, e.store_id, e.reason
