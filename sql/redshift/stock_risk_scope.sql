-- The store-SKUs an incremental stock-risk run as of {{as_of_date}} evaluates (stock_risk_scope, emptied first):
-- those with a row on a date the batch loaded ({{changed_dates}}: a list of DATE literals; the load replaces each
-- of these dates whole, so every store-SKU with a sale, return, stock event, order or receipt there counts as
-- changed) and those whose time-based review is due (stock_review.next_review_date on or before the as-of date).
-- A store-SKU without a stock count gets no stock-risk row whether it is in the scope or not.
DELETE FROM stock_risk_scope;

INSERT INTO stock_risk_scope (store_id, sku)
SELECT store_id, sku FROM fact_sales
WHERE date_key IN ({{changed_dates}}) AND date_key <= CAST('{{as_of_date}}' AS DATE)
UNION
SELECT store_id, sku FROM fact_inventory_event
WHERE date_key IN ({{changed_dates}}) AND date_key <= CAST('{{as_of_date}}' AS DATE)
UNION
SELECT store_id, sku FROM fact_purchase_order
WHERE date_key IN ({{changed_dates}}) AND date_key <= CAST('{{as_of_date}}' AS DATE)
UNION
SELECT store_id, sku FROM stock_review
WHERE next_review_date <= CAST('{{as_of_date}}' AS DATE);
