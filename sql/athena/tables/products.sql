-- Product reference data (reference/products/products.csv, header row), for joins by category and cost.
-- Mirrors the Glue table of infra/lib/lake/curated-catalog.ts. Placeholders: database, curated_bucket.
CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.products (
  sku            string,
  product_name   string,
  category       string,
  brand          string,
  unit_cost      double,
  list_price     double,
  supplier       string,
  lead_time_days int
)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
STORED AS TEXTFILE
LOCATION 's3://{{curated_bucket}}/reference/products/'
TBLPROPERTIES ('classification' = 'csv', 'skip.header.line.count' = '1')
