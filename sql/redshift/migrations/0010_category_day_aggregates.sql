-- Migration (queries at month scale): agg_category_day, the sales of each store, business date and product
-- category and the sale baskets holding each category or pair of categories, which the dashboards' data sets
-- category_day_sales and category_pairs read instead of every line of fact_sales joined to dim_product (a month
-- of 27M lines: 12 s and 19 s on DuckDB, the distinct categories of each basket and their self-join).
-- One row per store, date and pair (category, paired_category) with category <= paired_category, the upper half
-- of the categories' co-occurrence in sale baskets:
--  - paired_category = category: the category's own row: net units, net revenue and gross margin of its lines
--    (sales and returns, in the store's currency), the sale baskets holding it and those of them also holding
--    another category (attached_baskets, the attach rate's numerator);
--  - paired_category > category: baskets = the sale baskets holding both; the amounts and attached_baskets 0.
-- One table, not one per data set: each maintained table costs the load's one transaction a DELETE and an INSERT,
-- and the load is one Data API batch of at most 40 statements (fewer left means coarser COPY prefixes).
-- Kept equal to that GROUP BY of fact_sales and dim_product: the dates listed in stg_sales_agg_dates are rebuilt
-- from fact_sales at the end of each load (load_sales_aggregates.sql), and the load lists the dates it replaces
-- (load_sales_lines.sql), the dates with sales of a SKU whose category the reference load changes
-- (load_reference.sql), and the dates a reload clears (clear_fact_dates.sql). test/helpers/warehouse-fixture.ts
-- categoryAggregateGaps checks it after loads, reloads, category changes and this backfill.
-- Amounts DECIMAL(38,2) and counts BIGINT: sums over a store-day's lines, not bounded as a line is (a sum that
-- overflowed would fail the batch's load on every retry); the data sets read these rows without summing them.
CREATE TABLE IF NOT EXISTS agg_category_day (
  date_key         DATE          NOT NULL ENCODE raw,
  store_id         VARCHAR(32)   NOT NULL ENCODE raw,
  category         VARCHAR(128)  NOT NULL ENCODE bytedict,
  paired_category  VARCHAR(128)  NOT NULL ENCODE bytedict,
  net_units        BIGINT        NOT NULL ENCODE az64,
  net_revenue      DECIMAL(38,2) NOT NULL ENCODE az64,
  gross_margin     DECIMAL(38,2) NOT NULL ENCODE az64,
  baskets          BIGINT        NOT NULL ENCODE az64,
  attached_baskets BIGINT        NOT NULL ENCODE az64,
  PRIMARY KEY (date_key, store_id, category, paired_category),
  FOREIGN KEY (date_key) REFERENCES dim_calendar (date_key),
  FOREIGN KEY (store_id) REFERENCES dim_store (store_id)
)
DISTKEY (store_id)
COMPOUND SORTKEY (date_key, store_id);

-- The business dates whose agg_category_day rows the running load rebuilds (the pipeline role may not create
-- tables, temporary ones included, so the work table is part of the schema). Emptied by the rebuild at the end of
-- the same transaction: empty between loads.
CREATE TABLE IF NOT EXISTS stg_sales_agg_dates (
  date_key DATE NOT NULL ENCODE raw
)
DISTSTYLE ALL;

-- The aggregates of the sales already loaded (a warehouse migrated after its first loads): every date, by the
-- rebuild of load_sales_aggregates.sql.
INSERT INTO stg_sales_agg_dates (date_key)
SELECT DISTINCT date_key FROM fact_sales;

-- (the same statement as load_sales_aggregates.sql's INSERT)
INSERT INTO agg_category_day (date_key, store_id, category, paired_category, net_units, net_revenue, gross_margin, baskets, attached_baskets)
WITH lines AS (
  SELECT f.date_key, f.store_id, f.basket_id, f.event_type, f.qty_sold, f.net_revenue, f.gross_margin, COALESCE(p.category, '(unknown)') AS category
  FROM fact_sales f
  LEFT JOIN dim_product p ON p.sku = f.sku
  WHERE f.date_key IN (SELECT date_key FROM stg_sales_agg_dates)
),
basket_categories AS (
  SELECT DISTINCT date_key, store_id, basket_id, category
  FROM lines
  WHERE event_type = 'sale'
),
category_baskets AS (
  SELECT date_key, store_id, category, COUNT(*) AS baskets, SUM(CASE WHEN categories > 1 THEN 1 ELSE 0 END) AS attached_baskets
  FROM (
    SELECT date_key, store_id, category, COUNT(*) OVER (PARTITION BY date_key, store_id, basket_id) AS categories
    FROM basket_categories
  ) c
  GROUP BY date_key, store_id, category
)
SELECT a.date_key, a.store_id, a.category, a.category, a.net_units, a.net_revenue, a.gross_margin, COALESCE(b.baskets, 0), COALESCE(b.attached_baskets, 0)
FROM (
  SELECT date_key, store_id, category, SUM(qty_sold) AS net_units, SUM(net_revenue) AS net_revenue, SUM(gross_margin) AS gross_margin
  FROM lines
  GROUP BY date_key, store_id, category
) a
LEFT JOIN category_baskets b ON b.date_key = a.date_key AND b.store_id = a.store_id AND b.category = a.category
UNION ALL
SELECT x.date_key, x.store_id, x.category, y.category, 0, 0, 0, COUNT(*), 0
FROM basket_categories x
JOIN basket_categories y ON y.date_key = x.date_key AND y.store_id = x.store_id AND y.basket_id = x.basket_id AND y.category > x.category
GROUP BY x.date_key, x.store_id, x.category, y.category;

DELETE FROM stg_sales_agg_dates;
