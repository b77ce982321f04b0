import { CreateIngestionCommand, QuickSightClient } from '@aws-sdk/client-quicksight';
import type { DashboardPublisher } from '../ports';
import { awsCall } from './sdk-errors';

export interface QuickSightTarget {
  accountId: string;
  /** SPICE datasets to refresh after each load (infra/ sets them from its dataset definitions) */
  dataSetIds: string[];
}

/**
 * Starts a SPICE refresh (ingestion) of every dashboard dataset. Ingestions run asynchronously in QuickSight;
 * the dashboards show the new data once they finish. Without datasets (QuickSight not enabled for the stage)
 * there is nothing to refresh.
 */
export class QuickSightDashboards implements DashboardPublisher {
  constructor(
    private readonly client: QuickSightClient,
    private readonly target: QuickSightTarget,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async refresh(): Promise<string[]> {
    const stamp = this.now().toISOString().replace(/[^0-9]/g, '').slice(0, 14);
    const started: string[] = [];
    for (const dataSetId of this.target.dataSetIds) {
      const ingestionId = `retail-lake-${stamp}`;
      const out = await awsCall(`QuickSight CreateIngestion for data set ${dataSetId}`, () =>
        this.client.send(new CreateIngestionCommand({ AwsAccountId: this.target.accountId, DataSetId: dataSetId, IngestionId: ingestionId })),
      );
      started.push(`quicksight:${dataSetId} ingestion ${out.IngestionId ?? ingestionId} ${out.IngestionStatus ?? ''}`.trim());
    }
    return started;
  }
}

/** `QUICKSIGHT_DATASET_IDS=a,b` -> ['a', 'b']. */
export function dataSetIdsFromEnv(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
