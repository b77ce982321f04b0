-- dim_calendar: every date from the first to the last business date in the facts, added when missing
-- (rerunning changes nothing; a late event before the first date extends the range).
-- Numbers 0..9999 (27 years) from a cross join of digits rather than generate_series, which Redshift runs on the
-- leader node only and cannot feed into a table. Column meanings: see dim_calendar in migrations/0001_initial.sql.
INSERT INTO dim_calendar (date_key, day_of_week, week_num, month, quarter, year, fiscal_period, is_weekend)
WITH digits AS (
  SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
),
numbers AS (
  SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n
  FROM digits a CROSS JOIN digits b CROSS JOIN digits c CROSS JOIN digits e
),
fact_dates AS (
  SELECT date_key FROM fact_sales
  UNION ALL
  SELECT date_key FROM fact_inventory_event
),
bounds AS (
  SELECT MIN(date_key) AS first_date, MAX(date_key) AS last_date FROM fact_dates
),
dates AS (
  SELECT CAST(DATEADD(day, n.n, b.first_date) AS DATE) AS dt
  FROM bounds b
  JOIN numbers n ON n.n <= DATEDIFF(day, b.first_date, b.last_date)
),
parts AS (
  SELECT
    dt,
    CAST(EXTRACT(DOW FROM dt) AS INTEGER) AS dow,
    CAST(FLOOR((EXTRACT(DOY FROM dt) - 1) / 7.0) AS INTEGER) + 1 AS week_num,
    CAST(EXTRACT(MONTH FROM dt) AS INTEGER) AS month_num,
    CAST(EXTRACT(QUARTER FROM dt) AS INTEGER) AS quarter_num,
    CAST(EXTRACT(YEAR FROM dt) AS INTEGER) AS year_num
  FROM dates
),
fiscal AS (
  SELECT
    p.*,
    -- 13-week fiscal quarter (week 53 joins the fourth), then 4-4-5 periods inside it
    CASE WHEN week_num > 52 THEN 3 ELSE CAST(FLOOR((week_num - 1) / 13.0) AS INTEGER) END AS fq
  FROM parts p
)
SELECT
  dt,
  CASE WHEN dow = 0 THEN 7 ELSE dow END,
  week_num,
  month_num,
  quarter_num,
  year_num,
  'FY' || CAST(year_num AS VARCHAR(4)) || '-P' || LPAD(CAST(
    fq * 3 + CASE WHEN week_num - fq * 13 <= 4 THEN 1 WHEN week_num - fq * 13 <= 8 THEN 2 ELSE 3 END
  AS VARCHAR(2)), 2, '0'),
  dow IN (0, 6)
FROM fiscal
WHERE NOT EXISTS (SELECT 1 FROM dim_calendar c WHERE c.date_key = fiscal.dt);
