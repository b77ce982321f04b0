import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../metric-names';
import type { Metric, MetricsPublisher } from '../ports';

const UNITS: Record<Metric['unit'], (typeof MetricUnit)[keyof typeof MetricUnit]> = { Count: MetricUnit.Count, Percent: MetricUnit.Percent, None: MetricUnit.NoUnit };

/** CloudWatch metrics as Embedded Metric Format log lines (Powertools), dimension `service` from
 * POWERTOOLS_SERVICE_NAME: what the pipeline alarms in infra/ watch. */
export class EmfMetricsPublisher implements MetricsPublisher {
  private readonly metrics: Metrics;

  constructor(env: NodeJS.ProcessEnv) {
    this.metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'retail-lake-pipeline' });
  }

  async publish(metrics: Metric[]): Promise<void> {
    for (const m of metrics) this.metrics.addMetric(m.name, UNITS[m.unit], m.value);
    this.metrics.publishStoredMetrics();
  }
}
