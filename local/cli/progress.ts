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
