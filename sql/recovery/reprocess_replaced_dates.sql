-- The partitions a reprocess rewrites: every date the re-curated events had rows on, and every date their rows
-- have now (a rule change may move an event to another business date; it must leave the old one and land on the
-- new one in the same rewrite).
-- Inputs: old_ and new_ sales_lines, inventory_events, purchase_orders; selected_events.
SELECT DISTINCT business_date AS d FROM (
  SELECT business_date FROM old_sales_lines WHERE event_id IN (SELECT event_id FROM selected_events)
  UNION ALL SELECT business_date FROM old_inventory_events WHERE event_id IN (SELECT event_id FROM selected_events)
  UNION ALL SELECT business_date FROM new_sales_lines WHERE event_id IN (SELECT event_id FROM selected_events)
  UNION ALL SELECT business_date FROM new_inventory_events WHERE event_id IN (SELECT event_id FROM selected_events)
  UNION ALL SELECT business_date FROM old_purchase_orders WHERE event_id IN (SELECT event_id FROM selected_events)
  UNION ALL SELECT business_date FROM new_purchase_orders WHERE event_id IN (SELECT event_id FROM selected_events)
) dates
