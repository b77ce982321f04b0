-- The new content of {{table}} on the replaced dates: the rows of events that are not re-curated stay as they are,
-- the re-curated events' rows are their new ones (none for an event the current rules refuse).
-- Inputs: old_{{table}}, new_{{table}}, selected_events, replaced_dates. Placeholders: columns, table, order_by.
SELECT {{columns}} FROM (
  SELECT {{columns}} FROM old_{{table}}
  WHERE business_date IN (SELECT d FROM replaced_dates) AND event_id NOT IN (SELECT event_id FROM selected_events)
  UNION ALL
  SELECT {{columns}} FROM new_{{table}}
  WHERE event_id IN (SELECT event_id FROM selected_events)
) rows_of_dates
ORDER BY {{order_by}}
