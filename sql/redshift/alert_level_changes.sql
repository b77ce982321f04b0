-- The level changes stock risk found on {{as_of_date}}, before alert_state_update.sql applies them: every
-- store-SKU whose level differs from its alert_state row (no row = 'ok'). Kept in the run's
-- alert-transitions.json, so the lake holds the history alert_state can be rebuilt from. Only the run's scope
-- (stock_risk_scope) can change: the date's other rows carry the level alert_state took when they were evaluated.
SELECT s.store_id, s.sku, COALESCE(a.level, 'ok') AS from_level, s.risk_flag AS to_level
FROM fact_inventory_snapshot s
JOIN stock_risk_scope sc ON sc.store_id = s.store_id AND sc.sku = s.sku
LEFT JOIN alert_state a ON a.store_id = s.store_id AND a.sku = s.sku
WHERE s.date_key = CAST('{{as_of_date}}' AS DATE)
  AND s.risk_flag <> COALESCE(a.level, 'ok')
ORDER BY s.store_id, s.sku
