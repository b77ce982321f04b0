import { runPipeline, type PipelineRunResult, type StepEvent } from '../pipeline/local-runner';
import { writeJson } from '../../functions/lib/pipeline/json-objects';
import { failureKey } from '../../functions/lib/lake-layout';
import type { ErrorLink } from '../../functions/lib/errors';
import type { PipelineError } from '../../functions/lib/pipeline/state';
import { loadLocalDefinition } from '../pipeline/asl-resources';
import { successPathTasks } from '../pipeline/asl-states';
import { deliverBuffered } from './deliver-buffered';
import { removeRunLeftovers } from '../adapters/run-leftovers';
import { withLockedRuntime } from './locked-runtime';
import { progressBar } from './progress';
import { printRunReport } from './run-report';

/** control/failures/<time>.json: what a failed run's Catch handed on, and what the state machine drops: the step
 * that threw and the error's cause chain (an ENOSPC under a RetailLakeError, say). */
export interface FailureRecord extends PipelineError {
  at: string;
  state?: string;
  causes?: ErrorLink[];
}

export function failureRecord(result: PipelineRunResult, at: Date): FailureRecord {
  return { ...(result.error ?? { Error: 'Error', Cause: '' }), at: at.toISOString(), state: result.failedState, causes: result.errorChain };
}

/** A `run` goes on until nothing is left, one execution per batch; this bounds it all the same (each execution
 * plans at most one batch, so a lake this far behind is caught up by the next `run`). */
const MAX_EXECUTIONS = 500;

export interface RunOutcome {
  ok: boolean;
  /** the last execution that did something (or failed); the final nothing-new one when none did */
  result: PipelineRunResult;
  /** every execution of the run, in order */
  runs: PipelineRunResult[];
}

/**
 * Under the run lock: delivers what `serve` left buffered, then runs the pipeline with a progress bar, execution
 * after execution, until one has nothing new (it still reconciles) or fails. An earlier run's unfinished work comes
 * first (PlanBatch resumes it), then the new batches; a parked batch does not stop the ones after it.
 */
export async function runPipelineWithProgress(lakeRoot: string): Promise<RunOutcome> {
  return withLockedRuntime(lakeRoot, async (runtime) => {
    await removeRunLeftovers(lakeRoot, runtime.settings.workDir);
    await deliverBuffered(runtime.ingest);
    const total = successPathTasks(loadLocalDefinition()).length;
    const runs: PipelineRunResult[] = [];
    for (;;) {
      const bar = progressBar('pipeline', total, 'steps');
      // states done, each once: a poll (DescribeLoad, DescribeDerivedTables) runs again until its batch finishes,
      // and counting every run took the bar to 100% while the load was still going
      const done = new Set<string>();
      const result = await runPipeline(runtime, (e: StepEvent) => {
        if (e.phase === 'start') bar.update(Math.min(done.size, total), e.state);
        if (e.phase === 'end') {
          done.add(e.state);
          bar.update(Math.min(done.size, total));
        }
      });
      bar.stop();
      runs.push(result);
      if (result.status === 'failed') {
        const at = new Date();
        await writeJson(runtime.store, failureKey(at), failureRecord(result, at));
      }
      if (result.status === 'failed' || result.status === 'nothing-to-do' || runs.length >= MAX_EXECUTIONS) break;
    }
    const worked = runs.filter((r) => r.status !== 'nothing-to-do');
    const last = runs[runs.length - 1];
    return { ok: last.status !== 'failed', result: last.status === 'nothing-to-do' && worked.length > 0 ? worked[worked.length - 1] : last, runs };
  });
}

export async function runCommand(lakeRoot: string): Promise<boolean> {
  const outcome = await runPipelineWithProgress(lakeRoot);
  await printRunReport(lakeRoot, outcome.result, outcome.runs);
  return outcome.ok;
}
