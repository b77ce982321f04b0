import '../polyfills';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { PipelineError, PipelineState } from '../../functions/lib/pipeline/state';
import type { Runtime } from '../../functions/lib/ports';
import { loadLocalDefinition, localExecutionArn } from './asl-resources';
import { taskStates, waitStates } from './asl-states';
import { localResourceTable, type Json, type LocalTask } from './local-tasks';
import { heapMb, releaseHeapGrown } from './release-heap';
import { ConfigurationError, errorChain, type ErrorLink } from '../../functions/lib/errors';

export interface StepEvent {
  state: string;
  phase: 'start' | 'end' | 'error';
  ms?: number;
  output?: Json;
  error?: string;
}

export interface PipelineRunResult {
  /** parked: a batch failed after its retries and was set aside (ParkBatch); the execution itself succeeded */
  status: 'succeeded' | 'failed' | 'nothing-to-do' | 'parked';
  output: Json;
  /** the error the Catch handed to NotifyFailure */
  error?: PipelineError;
  /** the last error a Task threw and its causes, outermost first (the state machine keeps only its name and message) */
  errorChain?: ErrorLink[];
  /** the Task that threw it */
  failedState?: string;
  steps: { state: string; ms: number }[];
}

/** Wait states (the Data API poll) pause for nothing: locally statements finish synchronously. */
const NO_WAIT = 0;
/** Retries keep their count locally but not their back-off pauses. */
const LOCAL_RETRY_MS = 10;

/** A Task's local implementation that reports its start, end (with its time) or error, and leaves no large garbage
 * in the JavaScript heap for the Tasks after it (release-heap.ts). */
function observed(name: string, impl: LocalTask, onStep: (e: StepEvent) => void, steps: PipelineRunResult['steps'], onError: (state: string, err: unknown | undefined) => void): LocalTask {
  return async (input) => {
    const started = performance.now();
    const heapAtStart = heapMb();
    onStep({ state: name, phase: 'start' });
    try {
      const output = await impl(input);
      const ms = performance.now() - started;
      steps.push({ state: name, ms });
      onError(name, undefined); // a retry that succeeded: its earlier error is not the run's
      onStep({ state: name, phase: 'end', ms, output });
      return output;
    } catch (err) {
      onStep({ state: name, phase: 'error', error: (err as Error).message });
      onError(name, err);
      throw err;
    } finally {
      releaseHeapGrown(heapAtStart);
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
  let thrown: { state: string; err: unknown } | undefined;
  const onError = (state: string, err: unknown | undefined): void => {
    if (err !== undefined) thrown = { state, err };
    else if (thrown?.state === state) thrown = undefined;
  };

  const handlers: Record<string, LocalTask> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const task of taskStates(definition)) {
    const impl = resources.get(task.resource);
    if (!impl) throw new ConfigurationError(`state ${task.name}: no local implementation for Resource ${task.resource}`);
    retryIntervalOverrides[task.name] = LOCAL_RETRY_MS;
    const run = observed(task.name, impl, onStep, steps, onError);
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
    const state = output && typeof output === 'object' && !Array.isArray(output) ? (output as unknown as Partial<PipelineState>) : {};
    const status = state.parked ? 'parked' : state.plan?.objectCount === 0 ? 'nothing-to-do' : 'succeeded';
    return { status, output, steps, ...(status === 'parked' ? thrownError(thrown) : {}) };
  } catch (err) {
    return { status: 'failed', output: null, error: failure ?? { Error: (err as Error).name, Cause: (err as Error).message }, ...thrownError(thrown ?? { state: '', err }), steps };
  }
}

function thrownError(thrown: { state: string; err: unknown } | undefined): Pick<PipelineRunResult, 'errorChain' | 'failedState'> {
  return thrown ? { errorChain: errorChain(thrown.err), ...(thrown.state ? { failedState: thrown.state } : {}) } : {};
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
