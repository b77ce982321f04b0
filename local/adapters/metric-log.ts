import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CONTROL_PREFIX } from '../../functions/lib/lake-layout';
import type { Metric, MetricsPublisher } from '../../functions/lib/ports';

export const metricLogPath = (lakeRoot: string): string => join(resolve(lakeRoot), CONTROL_PREFIX, 'metrics', 'metrics.ndjson');

/** The local CloudWatch: one JSON line per metric data point, `{ at, name, value, unit }`. */
export class MetricLog implements MetricsPublisher {
  constructor(private readonly lakeRoot: string) {}

  async publish(metrics: Metric[]): Promise<void> {
    const path = metricLogPath(this.lakeRoot);
    await mkdir(dirname(path), { recursive: true });
    const at = new Date().toISOString();
    await appendFile(path, metrics.map((m) => JSON.stringify({ at, ...m }) + '\n').join(''));
  }
}
