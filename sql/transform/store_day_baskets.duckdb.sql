-- store_day_baskets for some business dates: one row per store, date and payment method, from every curated sales
-- line of those dates (date_sales_lines, a view the caller makes over the dates' whole partitions). A basket is one
-- sale transaction of a store and date (returns excluded) and its payment method the greatest of its lines', as the
-- warehouse's fact_basket groups them (sql/redshift/load_sales_lines.sql): the named queries basket_size and
-- payment_mix read these rows instead of counting distinct transactions over millions of lines.
-- Inputs: date_sales_lines.
-- The sums are cast back to the table's types (curated-schema.ts): DuckDB's sum of integers is a HUGEINT, which
-- Parquet stores as DOUBLE, and its sum of DECIMAL(18,2) a DECIMAL(38,2); Athena reads a file's column only as the
-- catalog's type.
SELECT
  business_date, store_id, payment_method, CAST(count(*) AS BIGINT) AS baskets, CAST(sum(units) AS BIGINT) AS units,
  CAST(sum(net_revenue) AS DECIMAL(18,2)) AS net_revenue
FROM (
  SELECT business_date, store_id, max(payment_method) AS payment_method, sum(quantity) AS units, sum(net_revenue) AS net_revenue
  FROM date_sales_lines
  WHERE event_type = 'sale'
  GROUP BY business_date, store_id, transaction_id
) AS baskets
GROUP BY business_date, store_id, payment_method
