-- The new content of the affected partitions: the rows already there plus the new ones, one row per natural
-- key (rows already curated win), sorted by store and sku. Re-running a batch therefore changes nothing.
-- Inputs: existing_rows, new_rows (same columns). Placeholders: columns, natural_key.
SELECT {{columns}}
FROM (
  SELECT u.*, row_number() OVER (PARTITION BY {{natural_key}} ORDER BY u.src) AS rn
  FROM (
    SELECT {{columns}}, 0 AS src FROM existing_rows
    UNION ALL
    SELECT {{columns}}, 1 AS src FROM new_rows
  ) u
) t
WHERE rn = 1
ORDER BY business_date, store_id, sku, occurred_at
