/**
 * Keeps up to `concurrency` requests in flight. Each settles to null or its error (nothing is left
 * unhandled); the first error stops the run at the next `start`, and `finish` reports it.
 */
export class RequestPool {
  private readonly inflight = new Set<Promise<Error | null>>();
  private firstError: Error | null = null;

  constructor(private readonly concurrency: number) {}

  /** Waits for a free slot, then starts `request` without waiting for it; throws the first error seen so far. */
  async start(request: () => Promise<void>): Promise<void> {
    while (this.inflight.size >= this.concurrency && !this.firstError) await Promise.race(this.inflight);
    if (this.firstError) throw this.firstError;
    const p: Promise<Error | null> = request().then(
      () => null,
      (err: unknown) => {
        const error = err instanceof Error ? err : new Error(String(err));
        this.firstError ??= error;
        return error;
      },
    );
    this.inflight.add(p);
    void p.then(() => this.inflight.delete(p));
  }

  /** Waits for every request in flight; throws the first error any of them had. */
  async finish(): Promise<void> {
    await Promise.all(this.inflight);
    if (this.firstError) throw this.firstError;
  }
}
