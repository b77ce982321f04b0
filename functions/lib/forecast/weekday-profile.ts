import { isObserved, WEEK, type DailySeries } from './series';

/**
 * A store's daily demand pooled over its series: for each day, the sum of the observed values and how many series
 * were observed (censored days left out). All series of a store share the same calendar, so day t is the same date
 * in each.
 */
export class StoreDailyTotals {
  readonly units: Float64Array;
  readonly observed: Float64Array;

  constructor(days: number) {
    this.units = new Float64Array(days);
    this.observed = new Float64Array(days);
  }

  add(y: DailySeries): void {
    for (let t = 0; t < Math.min(y.length, this.units.length); t++) {
      if (!isObserved(y[t])) continue;
      this.units[t] += y[t];
      this.observed[t]++;
    }
  }

  /**
   * The weekday profile of the days before `end`: factor[j] for the days t with t % 7 = j is that weekday's mean
   * units per observed series, divided by the mean over the observed weekdays (so their factors average 1). Pooling
   * the whole store estimates the weekday shape from far more sales than one series has. A weekday never observed,
   * or a store without sales, gets 1 (no shape); a weekday observed without sales (closed) gets 0.
   */
  profile(end: number = this.units.length): number[] {
    const rate: (number | null)[] = [];
    for (let j = 0; j < WEEK; j++) {
      let units = 0;
      let observed = 0;
      for (let t = j; t < end; t += WEEK) {
        units += this.units[t];
        observed += this.observed[t];
      }
      rate.push(observed ? units / observed : null);
    }
    const known = rate.filter((r): r is number => r !== null);
    const mean = known.reduce((a, b) => a + b, 0) / Math.max(1, known.length);
    return rate.map((r) => (r !== null && mean > 0 ? r / mean : 1));
  }
}

/** The grid of SES's alpha, chosen by in-sample one-step SSE. */
export const SES_WEEKDAY_ALPHAS = [0.05, 0.1, 0.2, 0.35] as const;

/**
 * Simple exponential smoothing of the level of y / factor (the weekday-adjusted series; censored days skipped),
 * started at the mean of the first two weeks' adjusted values; the forecast for day t is level * factor[t % 7].
 * Returns the level after the last day and the additive seasonal terms by horizon, level * (factor - 1), so that the
 * warehouse's level + season formula gives level * factor. A weekday whose factor is 0 (the store sold nothing on
 * it: closed, or a sparse history) says nothing about the level: its days are left out of the level, and forecast 0.
 */
export function fitSesWeekday(y: DailySeries, factor: number[]): { level: number; seasonByHorizon: number[] } {
  const adjusted = (t: number): number => y[t] / factor[t % WEEK];
  // 0 / 0 would make the level NaN for good
  const informs = (t: number): boolean => isObserved(y[t]) && factor[t % WEEK] > 0;
  let start = 0;
  let count = 0;
  for (let t = 0; t < Math.min(y.length, 2 * WEEK); t++) {
    if (!informs(t)) continue;
    start += adjusted(t);
    count++;
  }
  start = count ? start / count : 0;
  let best = { sse: Infinity, level: start };
  for (const alpha of SES_WEEKDAY_ALPHAS) {
    let level = start;
    let sse = 0;
    for (let t = 0; t < y.length; t++) {
      if (!isObserved(y[t])) continue;
      sse += (y[t] - level * factor[t % WEEK]) ** 2;
      if (informs(t)) level += alpha * (adjusted(t) - level);
    }
    if (sse < best.sse) best = { sse, level };
  }
  const n = y.length;
  const level = best.level;
  return { level, seasonByHorizon: Array.from({ length: WEEK }, (_, k) => level * (factor[(n + k) % WEEK] - 1)) };
}
