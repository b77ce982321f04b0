-- The stores of new events that dated_events could not date: the store is no longer in the stores.csv Curate
-- reads (Validate accepted the event against the reference of its time). Curate stops on any: without a zone
-- the event has no business date, so it could be neither curated nor recorded as accepted.
-- Inputs: new_events, dated_events, staged_events.
SELECT s.store_id, count(*) AS events
FROM new_events n
JOIN staged_events s ON s.seq = n.seq
WHERE NOT EXISTS (SELECT 1 FROM dated_events d WHERE d.seq = n.seq)
GROUP BY s.store_id
ORDER BY s.store_id
