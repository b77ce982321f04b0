-- Store reference data (reference/stores/stores.csv, header row), for joins by region and target.
-- Mirrors the Glue table of infra/lib/lake/curated-catalog.ts. Placeholders: database, curated_bucket.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.stores (
  store_id             string,
  store_name           string,
  region               string,
  manager_email        string,
  timezone             string,
  target_daily_revenue double
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
STORED AS TEXTFILE
LOCATION 's3://{{curated_bucket}}/reference/stores/'
TBLPROPERTIES ('classification' = 'csv', 'skip.header.line.count' = '1')
