import { randomUUID } from 'node:crypto';
import { PIPELINE_FUNCTIONS, PIPELINE_TOPICS, type PipelineFunctionName } from '../../functions/lib/pipeline/pipeline-functions';
import type { PipelineState } from '../../functions/lib/pipeline/state';
import type { TopicName } from '../../functions/lib/ports';
import type { Runtime } from '../../functions/lib/runtime';
import { localFunctionArn, localTopicArn } from './asl-resources';

// The JSON the state machine passes around; handlers declare their own input types.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type LocalTask = (input: Json) => Promise<Json>;
type Handler = (state: PipelineState) => Promise<unknown>;

/** Loaded lazily: each handler module is only needed when its Task runs. */
const HANDLERS: Record<PipelineFunctionName, () => Promise<Handler>> = {
  'plan-batch': async () => (await import('../../functions/pipeline/plan-batch/index')).handler,
  'validate-batch': async () => (await import('../../functions/pipeline/validate-batch/index')).handler,
  'curate-batch': async () => (await import('../../functions/pipeline/curate-batch/index')).handler,
  'commit-checkpoint': async () => (await import('../../functions/pipeline/commit-checkpoint/index')).handler,
  'prepare-loads': async () => (await import('../../functions/pipeline/prepare-loads/index')).handler as Handler,
  'stock-risk': async () => (await import('../../functions/pipeline/stock-risk/index')).handler as Handler,
  'publish-alerts': async () => (await import('../../functions/pipeline/publish-alerts/index')).handler as Handler,
  reconcile: async () => (await import('../../functions/pipeline/reconcile/index')).handler,
  'refresh-dashboards': async () => (await import('../../functions/pipeline/refresh-dashboards/index')).handler as Handler,
};

const asJson = (value: unknown): Json => (value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json));
const obj = (input: Json): Record<string, Json> => (input && typeof input === 'object' && !Array.isArray(input) ? input : {});

/**
 * The local implementation of every Resource the pipeline uses: Lambda ARNs run the same handlers in-process;
 * service integrations run against the local adapters (SNS -> outbox, Athena -> DuckDB over curated Parquet,
 * Glue -> the curate handler, Redshift Data API -> the DuckDB warehouse).
 */
export function localResourceTable(runtime: Runtime): Map<string, LocalTask> {
  const table = new Map<string, LocalTask>();
  for (const name of Object.values(PIPELINE_FUNCTIONS)) {
    table.set(localFunctionArn(name), async (input) => asJson(await (await HANDLERS[name]())(input as unknown as PipelineState)));
  }
  const topicByArn = new Map<string, TopicName>(Object.values(PIPELINE_TOPICS).map((t) => [localTopicArn(t), t]));
  topicByArn.set(localTopicArn('low-stock'), 'low-stock');

  table.set('arn:aws:states:::sns:publish', async (input) => {
    const p = obj(input);
    const topic = topicByArn.get(String(p.TopicArn));
    if (!topic) throw new Error(`sns:publish: unknown topic ${String(p.TopicArn)}`);
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(p.MessageAttributes ?? null))) attributes[k] = String(obj(v).StringValue);
    await runtime.notifier.publish({ topic, subject: String(p.Subject ?? ''), message: String(p.Message ?? ''), attributes });
    return { MessageId: randomUUID() };
  });

  table.set('arn:aws:states:::athena:startQueryExecution.sync', async (input) => {
    await runtime.curatedQuery.query(String(obj(input).QueryString));
    return { QueryExecution: { QueryExecutionId: randomUUID(), Status: { State: 'SUCCEEDED' } } };
  });

  table.set('arn:aws:states:::glue:startJobRun.sync', async (input) => {
    const batchId = String(obj(obj(input).Arguments)['--batch_id']);
    await (await HANDLERS['curate-batch']())({ plan: { batchId } } as PipelineState);
    return { JobName: String(obj(input).JobName), JobRunState: 'SUCCEEDED' };
  });

  // The Data API runs statements asynchronously; a failure shows in DescribeStatement, as it does in AWS.
  const statements = new Map<string, { Status: string; Error?: string }>();
  table.set('arn:aws:states:::aws-sdk:redshiftdata:batchExecuteStatement', async (input) => {
    const sqls = obj(input).Sqls;
    if (!Array.isArray(sqls) || sqls.length === 0) throw new Error('redshiftdata:batchExecuteStatement: Sqls must be a non-empty list');
    const id = randomUUID();
    try {
      await runtime.warehouse.execute(sqls.map(String));
      statements.set(id, { Status: 'FINISHED' });
    } catch (err) {
      statements.set(id, { Status: 'FAILED', Error: (err as Error).message });
    }
    return { Id: id };
  });
  table.set('arn:aws:states:::aws-sdk:redshiftdata:describeStatement', async (input) => {
    const id = String(obj(input).Id);
    const s = statements.get(id);
    if (!s) throw new Error(`redshiftdata:describeStatement: no statement ${id}`);
    return { Id: id, ...s };
  });
  return table;
}
