import type { Runtime } from '../ports';

let runtime: Runtime | undefined;

/**
 * The AWS adapters for a Lambda handler, built from the environment on the first invocation and kept for the
 * container's life. aws-runtime is imported here, on first use, so a module that imports a step's core (the
 * local runner does) never loads the AWS SDK clients.
 */
export async function lambdaRuntime(): Promise<Runtime> {
  if (!runtime) {
    const { createAwsRuntime } = await import('./aws-runtime');
    runtime ??= createAwsRuntime(process.env);
  }
  return runtime;
}

/** A step's Lambda handler: its core, given the container's AWS runtime. */
export function lambdaHandler<S, R>(run: (state: S, runtime: Runtime) => Promise<R>): (state: S) => Promise<R> {
  return async (state) => run(state, await lambdaRuntime());
}
