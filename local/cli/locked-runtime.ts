import { createLocalRuntime, type LocalRuntime } from '../local-runtime';
import { withRunLock } from './run-lock';

/** `work` with the lake's local runtime, under the run lock (one command that writes the lake at a time); the
 * runtime is closed after it, whatever it did. */
export async function withLockedRuntime<T>(lakeRoot: string, work: (rt: LocalRuntime) => Promise<T>): Promise<T> {
  return withRunLock(lakeRoot, async () => {
    const rt = await createLocalRuntime(lakeRoot);
    try {
      return await work(rt);
    } finally {
      await rt.close();
    }
  });
}
