-- The fitted models of one fit (FitForecasts): the refitted series' rows of forecast_model are replaced from the
-- models' Parquet file (columns in forecast_model's order; the other series keep theirs), and the fit's accuracy
-- rows replace any of the same fitted_through.
-- Placeholders: bucket, role, models_key (the lake key of the Parquet file), fitted_through, accuracy_rows
-- (the VALUES tuples of forecast_accuracy). One transaction: readers see the old models or the new ones.
DELETE FROM stg_forecast_model;

COPY stg_forecast_model
FROM 's3://{{bucket}}/{{models_key}}'
IAM_ROLE '{{role}}'
FORMAT AS PARQUET;

DELETE FROM forecast_model
USING stg_forecast_model s
WHERE s.store_id = forecast_model.store_id AND s.sku = forecast_model.sku;

INSERT INTO forecast_model (
  store_id, sku, fitted_through, model, level, trend, season_1, season_2, season_3, season_4, season_5, season_6,
  season_7, sigma, next_review
)
SELECT
  store_id, sku, fitted_through, model, level, trend, season_1, season_2, season_3, season_4, season_5, season_6,
  season_7, sigma, next_review
FROM stg_forecast_model;

-- The refitted series' forecasts changed: stock risk re-evaluates them on the fit's date (stock_review_update.sql).
UPDATE stock_review
SET next_review_date = CAST('{{fitted_through}}' AS DATE)
FROM stg_forecast_model m
WHERE m.store_id = stock_review.store_id
  AND m.sku = stock_review.sku
  AND stock_review.next_review_date > CAST('{{fitted_through}}' AS DATE);

DELETE FROM forecast_accuracy
WHERE fitted_through = CAST('{{fitted_through}}' AS DATE);

INSERT INTO forecast_accuracy (fitted_through, model, series, wape, bias_pct, mase)
VALUES {{accuracy_rows}};
