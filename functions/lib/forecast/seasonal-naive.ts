import { isObserved, WEEK, type DailySeries, type Forecaster } from './series';

/**
 * Seasonal naive (weekly): the forecast for a day is the latest observed value on the same weekday. A censored
 * day falls back to the same weekday one week earlier, and so on; a weekday never observed forecasts 0.
 */
export function seasonalNaive(y: DailySeries): Forecaster & { lastWeek: number[] } {
  const n = y.length;
  // lastWeek[k]: the value for the day n + k (k = 0..6), i.e. for horizon h the index (h - 1) % 7
  const lastWeek: number[] = [];
  for (let k = 0; k < WEEK; k++) {
    let v = 0;
    for (let i = n - WEEK + k; i >= 0; i -= WEEK) {
      if (i < n && isObserved(y[i])) {
        v = y[i];
        break;
      }
    }
    lastWeek.push(v);
  }
  return { lastWeek, forecast: (h) => lastWeek[(h - 1) % WEEK] };
}

/**
 * The in-sample mean absolute error of the lag-7 naive forecast (y[t] - y[t-7] over the pairs where both are
 * observed): MASE's scale. NaN when no pair exists.
 */
export function seasonalNaiveScale(y: DailySeries): number {
  let sum = 0;
  let count = 0;
  for (let t = WEEK; t < y.length; t++) {
    if (isObserved(y[t]) && isObserved(y[t - WEEK])) {
      sum += Math.abs(y[t] - y[t - WEEK]);
      count++;
    }
  }
  return count ? sum / count : Number.NaN;
}
