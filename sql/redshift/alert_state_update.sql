-- The alert lifecycle after stock_risk.sql has written {{as_of_date}}: alert_state takes the as-of levels, then the
-- rows this batch ({{batch_id}}) must announce are marked pending. One transaction; DML only. Levels come from the
-- run's scope (stock_risk_scope): the date's other rows carry the level alert_state took when they were evaluated.
-- A message is due when the level rose above what was last said (entered or escalated), or fell back to 'ok'
-- after a warning (cleared). Falling from critical to high says nothing. An escalation to critical is sent at
-- once ('immediate'); anything else goes in the store's daily digest, at most one per store and business day: it
-- waits while the store already had a digest on the as-of date. Rerunning decides the same (nothing here
-- changes until PublishAlerts marks what it sent, alert_mark_notified.sql).
UPDATE alert_state
SET since = CASE WHEN alert_state.level = s.risk_flag THEN alert_state.since ELSE CAST('{{as_of_date}}' AS DATE) END,
    level = s.risk_flag
FROM fact_inventory_snapshot s, stock_risk_scope sc
WHERE s.date_key = CAST('{{as_of_date}}' AS DATE)
  AND s.store_id = alert_state.store_id
  AND s.sku = alert_state.sku
  AND sc.store_id = s.store_id
  AND sc.sku = s.sku;

-- A store-SKU gets a row the first time it is flagged ('ok' rows that never warned need none).
INSERT INTO alert_state (store_id, sku, level, since, notified_level)
SELECT s.store_id, s.sku, s.risk_flag, CAST('{{as_of_date}}' AS DATE), 'ok'
FROM fact_inventory_snapshot s
JOIN stock_risk_scope sc ON sc.store_id = s.store_id AND sc.sku = s.sku
WHERE s.date_key = CAST('{{as_of_date}}' AS DATE)
  AND s.risk_flag <> 'ok'
  AND NOT EXISTS (SELECT 1 FROM alert_state a WHERE a.store_id = s.store_id AND a.sku = s.sku);

-- Decisions of an earlier batch whose messages never went out are decided again below.
UPDATE alert_state
SET pending_batch = NULL, pending_kind = NULL
WHERE pending_batch IS NOT NULL;

UPDATE alert_state
SET pending_batch = '{{batch_id}}',
    pending_kind = CASE WHEN alert_state.level = 'critical' THEN 'immediate' ELSE 'digest' END
FROM (
  SELECT store_id, MAX(last_digest_date) AS last_digest_date
  FROM alert_state
  GROUP BY store_id
) d
WHERE d.store_id = alert_state.store_id
  AND (
    CASE alert_state.level WHEN 'critical' THEN 2 WHEN 'high' THEN 1 ELSE 0 END
      > CASE COALESCE(alert_state.notified_level, 'ok') WHEN 'critical' THEN 2 WHEN 'high' THEN 1 ELSE 0 END
    OR (alert_state.level = 'ok' AND COALESCE(alert_state.notified_level, 'ok') <> 'ok')
  )
  AND (
    alert_state.level = 'critical'
    OR d.last_digest_date IS NULL
    OR d.last_digest_date < CAST('{{as_of_date}}' AS DATE)
  );
