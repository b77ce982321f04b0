/**
 * Runs `poll` over and over in the background, pausing `pollMs` after a pass that read nothing, until
 * stopped. Other work takes turns with it through `exclusive`: one thing at a time, polls included.
 * A failed poll goes to `onError` and the loop keeps going.
 */
export class PollingLoop {
  private queue: Promise<unknown> = Promise.resolve();
  private running = true;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly poll: () => Promise<number>,
    private readonly pollMs: number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.loop = this.run();
  }

  /** Runs `fn` once whatever is running or queued before it has finished (failed or not). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops polling; resolves once the pass under way (if any) has finished. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let read = 0;
      try {
        read = await this.exclusive(this.poll);
      } catch (err) {
        this.onError(err);
      }
      if (read === 0 && this.running) await this.pause(this.pollMs);
      this.wake = undefined;
    }
  }

  /** a pause that `stop` cuts short */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
