/**
 * Runs one DuckDB step's core the way its Lambda handler does, but with the lake in a local folder instead of S3:
 * FsObjectStore stands in for the S3 object store, and S3LakeFiles (the Lambda's own adapter) copies the prefixes
 * a step reads into the work folder, as in Lambda. The settings come from the environment, as in Lambda
 * (WORK_DIR, DUCKDB_MEMORY_MB, ...). Bundled by test/helpers/lambda-bundle.ts and run from the bundle.
 *
 *   node index.js <plan-batch|validate-batch|curate-batch|summarize-baskets> <lake folder> [<plan json> [<commit json>]]
 *
 * Prints one JSON line: the step's result and the process's peak RSS in bytes.
 */
import { S3LakeFiles } from '../../functions/lib/aws/s3-lake-files';
import { settingsFromEnv } from '../../functions/lib/pipeline/pipeline-settings';
import type { BatchPlan, CommitResult, PipelineState } from '../../functions/lib/pipeline/state';
import { workPaths } from '../../functions/lib/pipeline/work-dir';
import type { Runtime } from '../../functions/lib/ports';
import { run as curate } from '../../functions/pipeline/curate-batch/index';
import { run as plan } from '../../functions/pipeline/plan-batch/index';
import { run as summarizeBaskets } from '../../functions/pipeline/summarize-baskets/index';
import { run as validate } from '../../functions/pipeline/validate-batch/index';
import { FsObjectStore } from '../../local/adapters/fs-object-store';

const STEPS: Record<string, (state: PipelineState, rt: Runtime) => Promise<unknown>> = {
  'plan-batch': plan,
  'validate-batch': validate,
  'curate-batch': curate,
  'summarize-baskets': summarizeBaskets,
};

/** A port these steps never call: calling it is a bug in the driver's assumptions. */
const unused = (port: string) => async (): Promise<never> => {
  throw new Error(`the driver does not provide ${port}`);
};

async function main(): Promise<void> {
  const [step, lakeRoot, planJson, commitJson] = process.argv.slice(2);
  const core = STEPS[step];
  if (!core || !lakeRoot) throw new Error(`usage: index.js <${Object.keys(STEPS).join('|')}> <lake> [<plan json> [<commit json>]]`);
  const store = new FsObjectStore(lakeRoot);
  const settings = settingsFromEnv(process.env);
  const rt: Runtime = {
    mode: 'aws',
    store,
    files: new S3LakeFiles(store, workPaths(settings.workDir).lake),
    notifier: { publish: unused('notifier') },
    warehouse: { execute: unused('warehouse'), query: unused('warehouse') },
    curatedQuery: { query: unused('curatedQuery') },
    dashboards: { refresh: unused('dashboards') },
    metrics: { publish: async () => undefined },
    settings,
  };
  // plan-batch reads no state; summarize-baskets reads the commit's affected dates
  const state = {
    plan: planJson ? ((JSON.parse(planJson) as BatchPlan | null) ?? undefined) : undefined,
    commit: commitJson ? (JSON.parse(commitJson) as CommitResult) : undefined,
  } as PipelineState;
  const result = await core(state, rt);
  process.stdout.write(`${JSON.stringify({ result, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
