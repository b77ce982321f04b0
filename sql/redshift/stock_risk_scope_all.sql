-- The scope of a full stock-risk run of batch {{batch_id}} as of {{as_of_date}} (stock_risk_scope, emptied first): every store-SKU with
-- a stock count on or before it. Used when no review plan applies: the first run, a run without the batch's dates
-- (the CLI), and a recompute of a date before the latest evaluated one.
DELETE FROM stock_risk_scope;

INSERT INTO stock_risk_scope (batch_id, store_id, sku)
SELECT DISTINCT '{{batch_id}}', store_id, sku
FROM fact_inventory_event
WHERE event_type = 'inventory_snapshot'
  AND date_key <= CAST('{{as_of_date}}' AS DATE);
