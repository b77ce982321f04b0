import { lambdaHandler } from '../../lib/aws/lambda-runtime';
import { besideWarehouse } from '../../lib/duckdb/duckdb-factory';
import { PipelineStateError } from '../../lib/errors';
import type { PipelineState } from '../../lib/pipeline/state';
import { summarizeStoreDayBaskets, type BasketsSummary } from '../../lib/pipeline/store-day-baskets';
import type { Runtime } from '../../lib/ports';

/** SummarizeBaskets: store_day_baskets for the business dates the batch added sales lines to, each from all of its
 * date's lines (functions/lib/pipeline/store-day-baskets.ts). Beside the Athena refresh and the warehouse load, so a
 * local run gives its DuckDB the memory the warehouse's leaves (besideWarehouse). */
export async function run(state: PipelineState, rt: Pick<Runtime, 'store' | 'files' | 'settings'>): Promise<BasketsSummary> {
  if (!state.commit) throw new PipelineStateError('SummarizeBaskets: the state has no commit result (CommitCheckpoint must run first)');
  return summarizeStoreDayBaskets(rt.store, rt.files, state.commit.affectedDates.sales_lines, besideWarehouse(rt.settings));
}

export const handler = lambdaHandler(run);
