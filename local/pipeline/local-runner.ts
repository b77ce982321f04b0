import '../polyfills';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { setRuntime, type Runtime } from '../../functions/lib/runtime';
import { loadLocalDefinition, taskStates } from './asl-resources';
import { localResourceTable, type Json, type LocalTask } from './local-tasks';

export interface StepEvent {
  state: string;
  phase: 'start' | 'end' | 'error';
  ms?: number;
  output?: Json;
  error?: string;
}

export interface PipelineRunResult {
  status: 'succeeded' | 'failed' | 'nothing-to-do';
  output: Json;
  /** the error the Catch handed to NotifyFailure */
  error?: { Error: string; Cause: string };
  steps: { state: string; ms: number }[];
}

/** Wait states poll the Data API; locally statements finish synchronously, so polls need no pause. */
const NO_WAIT = 0;
/** Retries keep their count locally but not their back-off pauses. */
const LOCAL_RETRY_MS = 10;

/**
 * Runs statemachines/pipeline.asl.json unchanged through aws-local-stepfunctions, each Task mapped by its
 * Resource to the local implementation.
 */
export async function runPipeline(runtime: Runtime, onStep: (e: StepEvent) => void = () => undefined): Promise<PipelineRunResult> {
  const definition = loadLocalDefinition();
  const resources = localResourceTable(runtime);
  const steps: { state: string; ms: number }[] = [];
  let failure: { Error: string; Cause: string } | undefined;

  const handlers: Record<string, LocalTask> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const task of taskStates(definition)) {
    const impl = resources.get(task.resource);
    if (!impl) throw new Error(`state ${task.name}: no local implementation for Resource ${task.resource}`);
    retryIntervalOverrides[task.name] = LOCAL_RETRY_MS;
    handlers[task.name] = async (input) => {
      if (task.name === 'NotifyFailure') failure = parseFailure(input);
      const started = performance.now();
      onStep({ state: task.name, phase: 'start' });
      try {
        const output = await impl(input);
        const ms = performance.now() - started;
        steps.push({ state: task.name, ms });
        onStep({ state: task.name, phase: 'end', ms, output });
        return output;
      } catch (err) {
        onStep({ state: task.name, phase: 'error', error: (err as Error).message });
        throw err;
      }
    };
  }
  const waitTimeOverrides = Object.fromEntries(
    Object.keys(definition.States).concat(['WaitForLoad']).map((name) => [name, NO_WAIT]),
  );

  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  setRuntime(runtime); // the handlers ask getRuntime() for their ports, as they do in Lambda
  const execution = machine.run({}, { overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides, retryIntervalOverrides } });
  try {
    const output = (await execution.result) as Json;
    const plan = output && typeof output === 'object' && !Array.isArray(output) ? (output.plan as { objectCount?: number } | undefined) : undefined;
    return { status: plan?.objectCount === 0 ? 'nothing-to-do' : 'succeeded', output, steps };
  } catch (err) {
    return { status: 'failed', output: null, error: failure ?? { Error: (err as Error).name, Cause: (err as Error).message }, steps };
  } finally {
    setRuntime(undefined);
  }
}

function parseFailure(input: Json): { Error: string; Cause: string } {
  const message = input && typeof input === 'object' && !Array.isArray(input) ? input.Message : undefined;
  try {
    const e = JSON.parse(String(message)) as { Error?: string; Cause?: string };
    return { Error: String(e.Error ?? 'Error'), Cause: String(e.Cause ?? '') };
  } catch {
    return { Error: 'Error', Cause: String(message) };
  }
}
