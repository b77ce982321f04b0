-- Reconcile: the records the quarantine zone holds, by the batch that wrote them, for comparison with each
-- batch's run record (functions/pipeline/reconcile/quarantine-check.ts). Runs on the curated query engine:
-- Athena in the cloud, DuckDB over the local lake. One row per batch: batch_id, records.
SELECT batch_id, count(*) AS records
FROM quarantine
GROUP BY batch_id
