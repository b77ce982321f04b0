-- The events reprocess re-curates: those with a curated row on a business date from {{from_date}} to {{to_date}}.
-- Inputs: old_sales_lines, old_inventory_events, old_purchase_orders (the curated rows before the reprocess).
SELECT event_id FROM old_sales_lines
WHERE business_date BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE)
UNION
SELECT event_id FROM old_inventory_events
WHERE business_date BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE)
UNION
SELECT event_id FROM old_purchase_orders
WHERE business_date BETWEEN CAST('{{from_date}}' AS DATE) AND CAST('{{to_date}}' AS DATE)
