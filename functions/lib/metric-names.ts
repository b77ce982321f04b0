/**
 * Names of retail-lake's own CloudWatch metrics: the Lambdas publish them (Powertools EMF), infra/'s alarms,
 * metric filters and ops dashboard read them. No AWS SDK imports here, so infra/ can import this module.
 */
export const METRICS_NAMESPACE = 'RetailLake';

/** The pipeline's data-health metrics (dimension `service`), each with an alarm in infra/lib/observability/. */
export const PIPELINE_METRICS = ['QuarantineRate', 'StockoutCount', 'ReconciliationGap', 'BatchesParked', 'ForecastBias'] as const;
export type PipelineMetricName = (typeof PIPELINE_METRICS)[number];
