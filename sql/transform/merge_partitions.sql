-- The new content of the affected partitions: the rows already there plus the new events' rows, an event's
-- rows only when none of them is there yet (they are written together), sorted by store and sku within each
-- business date (ordering by the partition key first lets the partitioned writer take partitions in turn).
-- Re-running a batch therefore changes nothing.
-- Inputs: existing_rows, new_rows (same columns). Placeholder: columns.
SELECT {{columns}} FROM (
  SELECT {{columns}} FROM existing_rows
  UNION ALL
  SELECT {{columns}} FROM new_rows n
  WHERE NOT EXISTS (SELECT 1 FROM existing_rows e WHERE e.event_id = n.event_id)
) merged
ORDER BY business_date, store_id, sku
