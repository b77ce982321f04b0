-- Inventory snapshots and adjustments (curated), mirroring the Glue table of infra/lib/lake/curated-catalog.ts.
-- Placeholders: database, curated_bucket.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.inventory_events (
  event_id        string,
  store_id        string,
  sku             string,
  occurred_at     timestamp,
  event_type      string,
  on_hand_qty     int,
  reorder_point   int,
  quantity_change int,
  reason          string
)
PARTITIONED BY (business_date date)
STORED AS PARQUET
LOCATION 's3://{{curated_bucket}}/curated/inventory_events/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'projection.enabled' = 'true',
  'projection.business_date.type' = 'date',
  'projection.business_date.format' = 'yyyy-MM-dd',
  'projection.business_date.range' = '2020-01-01,NOW+1DAYS',
  'storage.location.template' = 's3://{{curated_bucket}}/curated/inventory_events/business_date=${business_date}/'
)
