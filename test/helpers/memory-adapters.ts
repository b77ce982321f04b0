import type { DashboardPublisher, Metric, MetricsPublisher, Notification, Notifier, QueryEngine, Row, Warehouse } from '../../functions/lib/ports';

/** Keeps what was published, for assertions. */
export class MemoryNotifier implements Notifier {
  readonly published: Notification[] = [];
  async publish(n: Notification): Promise<void> {
    this.published.push(n);
  }
}

/** For tests whose path must not reach the warehouse, the query engine or the dashboards. */
export class Unreachable implements Warehouse, QueryEngine, DashboardPublisher {
  async execute(): Promise<void> {
    throw new Error('unexpected warehouse call');
  }
  async query(): Promise<Row[]> {
    throw new Error('unexpected query');
  }
  async refresh(): Promise<string[]> {
    throw new Error('unexpected dashboard refresh');
  }
}

export class MemoryMetrics implements MetricsPublisher {
  readonly published: Metric[] = [];
  async publish(metrics: Metric[]): Promise<void> {
    this.published.push(...metrics);
  }
}
