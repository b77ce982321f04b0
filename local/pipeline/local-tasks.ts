import { randomUUID } from 'node:crypto';
import type { PipelineState } from '../../functions/lib/pipeline/state';
import type { Runtime, TopicName } from '../../functions/lib/ports';
import { PIPELINE_STEPS, PIPELINE_TOPICS, pipelineStep, type PipelineStep } from '../../functions/pipeline/steps';
import { localFunctionArn, localTopicArn } from './asl-resources';
import { ConfigurationError, PipelineStateError } from '../../functions/lib/errors';

// The JSON the state machine passes around; handlers declare their own input types.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type LocalTask = (input: Json) => Promise<Json>;

const asJson = (value: unknown): Json => (value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json));
const obj = (input: Json): Record<string, Json> => (input && typeof input === 'object' && !Array.isArray(input) ? input : {});

/** A step's core, in-process with the local runtime (its module is loaded when the step first runs). */
const stepTask = (step: PipelineStep, runtime: Runtime): LocalTask => async (input) =>
  asJson(await (await step.load()).run(input as unknown as PipelineState, runtime));

function snsPublish(runtime: Runtime): LocalTask {
  const topicByArn = new Map<string, TopicName>(Object.values(PIPELINE_TOPICS).map((t) => [localTopicArn(t), t]));
  topicByArn.set(localTopicArn('low-stock'), 'low-stock');
  return async (input) => {
    const p = obj(input);
    const topic = topicByArn.get(String(p.TopicArn));
    if (!topic) throw new ConfigurationError(`sns:publish: unknown topic ${String(p.TopicArn)}`);
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj(p.MessageAttributes ?? null))) attributes[k] = String(obj(v).StringValue);
    await runtime.notifier.publish({ topic, subject: String(p.Subject ?? ''), message: String(p.Message ?? ''), attributes });
    return { MessageId: randomUUID() };
  };
}

/** How long one local DescribeStatement waits for the statement before it answers STARTED (the state machine's
 * poll loop then asks again; locally its Wait pauses for nothing). */
const DESCRIBE_WAIT_MS = 5_000;

/**
 * The Data API runs statements asynchronously, as it does in AWS: BatchExecuteStatement starts them and answers
 * with an id at once; DescribeStatement reports STARTED, FINISHED or FAILED (the error). A long load (years of
 * history) so never runs inside one Task, which the local runner would cut at its 60-second default.
 */
function redshiftDataApi(runtime: Runtime): { batchExecuteStatement: LocalTask; describeStatement: LocalTask } {
  const statements = new Map<string, { done: Promise<{ Status: string; Error?: string }>; result?: { Status: string; Error?: string } }>();
  return {
    batchExecuteStatement: async (input) => {
      const sqls = obj(input).Sqls;
      if (!Array.isArray(sqls) || sqls.length === 0) throw new RangeError('redshiftdata:batchExecuteStatement: Sqls must be a non-empty list');
      const id = randomUUID();
      const entry: { done: Promise<{ Status: string; Error?: string }>; result?: { Status: string; Error?: string } } = {
        done: runtime.warehouse.execute(sqls.map(String)).then(
          () => ({ Status: 'FINISHED' }),
          (err: unknown) => ({ Status: 'FAILED', Error: (err as Error).message }),
        ),
      };
      void entry.done.then((r) => (entry.result = r));
      statements.set(id, entry);
      return { Id: id };
    },
    describeStatement: async (input) => {
      const id = String(obj(input).Id);
      const s = statements.get(id);
      if (!s) throw new PipelineStateError(`redshiftdata:describeStatement: no statement ${id}`);
      if (!s.result) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([s.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, DESCRIBE_WAIT_MS)))]);
        clearTimeout(timer);
      }
      return { Id: id, ...(s.result ?? { Status: 'STARTED' }) };
    },
  };
}

/**
 * The local implementation of every Resource the pipeline uses: Lambda ARNs run the same step cores in-process;
 * service integrations run against the local adapters (SNS -> outbox, Athena -> DuckDB over curated Parquet,
 * Glue -> the curate step, Redshift Data API -> the DuckDB warehouse).
 */
export function localResourceTable(runtime: Runtime): Map<string, LocalTask> {
  const table = new Map<string, LocalTask>(PIPELINE_STEPS.map((step) => [localFunctionArn(step.name), stepTask(step, runtime)]));
  table.set('arn:aws:states:::sns:publish', snsPublish(runtime));
  table.set('arn:aws:states:::athena:startQueryExecution.sync', async (input) => {
    await runtime.curatedQuery.query(String(obj(input).QueryString));
    return { QueryExecution: { QueryExecutionId: randomUUID(), Status: { State: 'SUCCEEDED' } } };
  });
  const curate = stepTask(pipelineStep('curate-batch'), runtime);
  table.set('arn:aws:states:::glue:startJobRun.sync', async (input) => {
    await curate({ plan: { batchId: String(obj(obj(input).Arguments)['--batch_id']) } });
    return { JobName: String(obj(input).JobName), JobRunState: 'SUCCEEDED' };
  });
  const dataApi = redshiftDataApi(runtime);
  table.set('arn:aws:states:::aws-sdk:redshiftdata:batchExecuteStatement', dataApi.batchExecuteStatement);
  table.set('arn:aws:states:::aws-sdk:redshiftdata:describeStatement', dataApi.describeStatement);
  return table;
}
