import '../polyfills';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { PipelineError, PipelineState } from '../../functions/lib/pipeline/state';
import type { Runtime } from '../../functions/lib/ports';
import { loadLocalDefinition, localExecutionArn } from './asl-resources';
import { taskStates, waitStates } from './asl-states';
import { localResourceTable, type Json, type LocalTask } from './local-tasks';
import { ConfigurationError } from '../../functions/lib/errors';

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
  error?: PipelineError;
  steps: { state: string; ms: number }[];
}

/** Wait states (the Data API poll) pause for nothing: locally statements finish synchronously. */
const NO_WAIT = 0;
/** Retries keep their count locally but not their back-off pauses. */
const LOCAL_RETRY_MS = 10;

/** A Task's local implementation that reports its start, end (with its time) or error. */
function observed(name: string, impl: LocalTask, onStep: (e: StepEvent) => void, steps: PipelineRunResult['steps']): LocalTask {
  return async (input) => {
    const started = performance.now();
    onStep({ state: name, phase: 'start' });
    try {
      const output = await impl(input);
      const ms = performance.now() - started;
      steps.push({ state: name, ms });
      onStep({ state: name, phase: 'end', ms, output });
      return output;
    } catch (err) {
      onStep({ state: name, phase: 'error', error: (err as Error).message });
      throw err;
    }
  };
}

/**
 * Runs statemachines/pipeline.asl.json unchanged through aws-local-stepfunctions, each Task mapped by its
 * Resource to the local implementation, which gets `runtime`'s ports.
 */
export async function runPipeline(runtime: Runtime, onStep: (e: StepEvent) => void = () => undefined): Promise<PipelineRunResult> {
  const definition = loadLocalDefinition();
  const resources = localResourceTable(runtime);
  const steps: PipelineRunResult['steps'] = [];
  let failure: PipelineError | undefined;

  const handlers: Record<string, LocalTask> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const task of taskStates(definition)) {
    const impl = resources.get(task.resource);
    if (!impl) throw new ConfigurationError(`state ${task.name}: no local implementation for Resource ${task.resource}`);
    retryIntervalOverrides[task.name] = LOCAL_RETRY_MS;
    const run = observed(task.name, impl, onStep, steps);
    handlers[task.name] = run;
    if (task.name === 'NotifyFailure') {
      handlers[task.name] = async (input) => {
        failure = parseFailure(input);
        return run(input);
      };
    }
  }
  const waitTimeOverrides = Object.fromEntries(waitStates(definition).map((name) => [name, NO_WAIT]));

  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  const execution = machine.run(
    {},
    {
      overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides, retryIntervalOverrides },
      context: { Execution: { Id: localExecutionArn(randomUUID()) } },
    },
  );
  try {
    const output = (await execution.result) as Json;
    const plan = output && typeof output === 'object' && !Array.isArray(output) ? (output as unknown as Partial<PipelineState>).plan : undefined;
    return { status: plan?.objectCount === 0 ? 'nothing-to-do' : 'succeeded', output, steps };
  } catch (err) {
    return { status: 'failed', output: null, error: failure ?? { Error: (err as Error).name, Cause: (err as Error).message }, steps };
  }
}

function parseFailure(input: Json): PipelineError {
  const message = input && typeof input === 'object' && !Array.isArray(input) ? input.Message : undefined;
  try {
    const e = JSON.parse(String(message)) as { Error?: string; Cause?: string };
    return { Error: String(e.Error ?? 'Error'), Cause: String(e.Cause ?? '') };
  } catch {
    return { Error: 'Error', Cause: String(message) };
  }
}
