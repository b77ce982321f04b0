import type { IngestMetrics } from '../../functions/ingest/ingest-handler';

/** The handler's metrics, kept as running totals in memory instead of CloudWatch EMF lines on stdout. */
export class LocalIngestMetrics implements IngestMetrics {
  readonly totals: Record<string, number> = {};

  addMetric(name: string, _unit: 'Count' | 'Bytes', value: number): this {
    this.totals[name] = (this.totals[name] ?? 0) + value;
    return this;
  }

  publishStoredMetrics(): void {
    // totals are read directly
  }
}
