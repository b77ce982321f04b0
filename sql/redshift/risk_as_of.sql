-- The as-of date of stock risk: the latest business date in the data (sales or inventory events).
SELECT MAX(date_key) AS as_of_date
FROM (
  SELECT date_key FROM fact_sales
  UNION ALL
  SELECT date_key FROM fact_inventory_event
) dates
