import { runPipeline, type PipelineRunResult, type StepEvent } from '../pipeline/local-runner';
import { writeJson } from '../../functions/lib/pipeline/json-objects';
import { failureKey } from '../../functions/lib/lake-layout';
import { createLocalRuntime } from '../local-runtime';
import { loadLocalDefinition } from '../pipeline/asl-resources';
import { successPathTasks } from '../pipeline/asl-states';
import { deliverBuffered } from './deliver-buffered';
import { removeRunLeftovers } from '../adapters/run-leftovers';
import { withRunLock } from './run-lock';
import { progressBar } from './progress';
import { printRunReport } from './run-report';

/** Under the run lock: delivers what `serve` left buffered, then runs the pipeline with a progress bar. */
export async function runPipelineWithProgress(lakeRoot: string): Promise<{ ok: boolean; result: PipelineRunResult }> {
  return withRunLock(lakeRoot, async () => {
    const runtime = await createLocalRuntime(lakeRoot);
    try {
      await removeRunLeftovers(lakeRoot, runtime.settings.workDir);
      await deliverBuffered(runtime.ingest);
      const bar = progressBar('pipeline', successPathTasks(loadLocalDefinition()).length, 'steps');
      let done = 0;
      const result = await runPipeline(runtime, (e: StepEvent) => {
        if (e.phase === 'start') bar.update(done, e.state);
        if (e.phase === 'end') bar.update(++done);
      });
      bar.stop();
      if (result.status === 'failed') {
        await writeJson(runtime.store, failureKey(new Date()), result.error);
      }
      return { ok: result.status !== 'failed', result };
    } finally {
      await runtime.close();
    }
  });
}

export async function runCommand(lakeRoot: string): Promise<boolean> {
  const { ok, result } = await runPipelineWithProgress(lakeRoot);
  await printRunReport(lakeRoot, result);
  return ok;
}
