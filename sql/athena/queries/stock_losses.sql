-- Stock lost per store and reason over a range of business dates: units removed by shrink, damage and count
-- corrections (negative inventory adjustments), valued at the product's unit cost.
-- @param from date = CAST({{to}} - INTERVAL '27' DAY AS DATE) | first business date (default: the 28 days ending on to)
-- @param to date = (SELECT max(business_date) FROM inventory_events) | last business date (default: the latest in inventory_events)
-- @param store store = NULL | one store only (default: every store)
SELECT
  e.store_id,
  e.reason,
  COUNT(*) AS adjustments,
  -SUM(e.quantity_change) AS units_lost,
  -SUM(e.quantity_change * p.unit_cost) AS cost_lost
FROM inventory_events e
LEFT JOIN products p ON p.sku = e.sku
WHERE e.event_type = 'inventory_adjustment'
  AND e.reason IN ('shrink', 'damage', 'count_correction')
  AND e.quantity_change < 0
  AND e.business_date BETWEEN {{from}} AND {{to}}
  AND ({{store}} IS NULL OR e.store_id = {{store}})
GROUP BY e.store_id, e.reason
ORDER BY cost_lost DESC, e.store_id, e.reason
