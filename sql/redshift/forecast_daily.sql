-- The daily demand forecast per store and SKU for {{from_date}} .. {{to_date}}, from the fitted models
-- (forecast_model, written by FitForecasts): for a date t after fitted_through,
--   forecast_units = GREATEST(0, level + trend * h + season_<ISO day of week of t>), h = t - fitted_through (days);
-- sigma is the model's standard deviation of a one-day forecast error. Dates up to fitted_through get no row (the
-- model does not forecast its own history). Placeholders: from_date, to_date (at most 10,000 days apart).
-- Dates from a cross join of digits rather than dim_calendar, which ends at the last fact date (as load_calendar.sql).
WITH digits AS (
  SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
  UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
),
numbers AS (
  SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d AS n
  FROM digits a CROSS JOIN digits b CROSS JOIN digits c CROSS JOIN digits e
),
dates AS (
  SELECT CAST(DATEADD(day, n, CAST('{{from_date}}' AS DATE)) AS DATE) AS date_key
  FROM numbers
  WHERE n <= DATEDIFF(day, CAST('{{from_date}}' AS DATE), CAST('{{to_date}}' AS DATE))
),
days AS (
  SELECT date_key, CAST(EXTRACT(DOW FROM date_key) AS INTEGER) AS dow FROM dates
)
SELECT
  m.store_id,
  m.sku,
  d.date_key,
  m.model,
  CAST(GREATEST(0, m.level + m.trend * DATEDIFF(day, m.fitted_through, d.date_key)
    + CASE d.dow
        WHEN 1 THEN m.season_1 WHEN 2 THEN m.season_2 WHEN 3 THEN m.season_3 WHEN 4 THEN m.season_4
        WHEN 5 THEN m.season_5 WHEN 6 THEN m.season_6 ELSE m.season_7 -- EXTRACT(DOW) is 0 on Sunday: ISO 7
      END) AS DECIMAL(18,6)) AS forecast_units,
  m.sigma
FROM forecast_model m
JOIN days d ON d.date_key > m.fitted_through
ORDER BY m.store_id, m.sku, d.date_key
