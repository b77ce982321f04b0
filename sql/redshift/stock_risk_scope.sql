-- The store-SKUs an incremental stock-risk run of batch {{batch_id}} as of {{as_of_date}} evaluates
-- (stock_risk_scope; a retry of the batch keeps the scope its first attempt chose, an other batch's goes):
-- those with new rows on a date the batch loaded ({{changed_dates}}: a list of DATE literals), and those whose
-- time-based review is due (stock_review.next_review_date on or before the as-of date).
-- The load replaces each of the batch's dates whole, so the warehouse cannot tell the batch's rows from the date's
-- earlier ones; a store-SKU's rows on a date are new unless it was evaluated as of that very date with as many
-- rows there (stock_review.rows_seen): an hourly run later in the day evaluates only the store-SKUs that got rows
-- since. Rows on another date (late events) count as new. A store-SKU without a stock count gets no stock-risk row
-- whether it is in the scope or not.
DELETE FROM stock_risk_scope
WHERE batch_id <> '{{batch_id}}';

INSERT INTO stock_risk_scope (batch_id, store_id, sku)
WITH touched AS (
  SELECT store_id, sku, date_key, COUNT(*) AS n
  FROM (
    SELECT store_id, sku, date_key FROM fact_sales
    WHERE date_key IN ({{changed_dates}}) AND date_key <= CAST('{{as_of_date}}' AS DATE)
    UNION ALL
    SELECT store_id, sku, date_key FROM fact_inventory_event
    WHERE date_key IN ({{changed_dates}}) AND date_key <= CAST('{{as_of_date}}' AS DATE)
    UNION ALL
    SELECT store_id, sku, date_key FROM fact_purchase_order
    WHERE date_key IN ({{changed_dates}}) AND date_key <= CAST('{{as_of_date}}' AS DATE)
  ) batch_rows
  GROUP BY store_id, sku, date_key
),
chosen AS (
  SELECT t.store_id, t.sku
  FROM touched t
  LEFT JOIN stock_review r ON r.store_id = t.store_id AND r.sku = t.sku
  WHERE r.store_id IS NULL
    OR t.date_key <> r.evaluated_on
    OR t.n <> r.rows_seen
  UNION
  SELECT store_id, sku
  FROM stock_review
  WHERE next_review_date <= CAST('{{as_of_date}}' AS DATE)
)
SELECT '{{batch_id}}', c.store_id, c.sku
FROM chosen c
WHERE NOT EXISTS (SELECT 1 FROM stock_risk_scope x WHERE x.batch_id = '{{batch_id}}');
