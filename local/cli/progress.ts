import { SingleBar } from 'cli-progress';

/** A progress bar on a terminal; on a pipe (CI, logs) a line every couple of seconds instead. */
export function progressBar(label: string, total: number, unit: string): { update(n: number, detail?: string): void; stop(): void } {
  const bar = new SingleBar({
    format: `${label.padEnd(10)} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted} {detail}`,
    barsize: 30,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    stream: process.stderr,
  });
  bar.start(Math.max(total, 1), 0, { detail: '' });
  return {
    update: (n, detail) => bar.update(Math.min(n, Math.max(total, 1)), detail === undefined ? {} : { detail }),
    stop: () => {
      bar.update(Math.max(total, 1), { detail: '' });
      bar.stop();
    },
  };
}

/** A progress callback `(done, total, detail)` for a core that learns its total as it goes: the bar starts at the
 * first call and stops when done reaches total. */
export function progressCallback(label: string, unit: string): (done: number, total: number, detail: string) => void {
  let bar: ReturnType<typeof progressBar> | undefined;
  return (done, total, detail) => {
    bar ??= progressBar(label, total, unit);
    if (done >= total) {
      bar.stop();
      bar = undefined;
    } else bar.update(done, detail);
  };
}
