import { isObserved, type DailySeries, type Forecaster } from './series';

/** Croston-type states after the last day: the forecast is the same for every horizon. */
export interface IntermittentFit extends Forecaster {
  /** the per-day demand forecast */
  rate: number;
  sse: number;
}

type Method = 'croston' | 'sba' | 'tsb';

/**
 * Croston (1972) and its Syntetos-Boylan (2005) bias correction: simple exponential smoothing (the same alpha) of
 * the non-zero demand sizes z and of the intervals p between them, each started at its first value (as R's
 * forecast::croston does); the forecast is z / p, times (1 - alpha / 2) for SBA. A missing day (NaN) is skipped
 * and does not count towards the interval. Before the first demand the forecast is 0.
 */
function crostonLike(y: DailySeries, alpha: number, sba: boolean): IntermittentFit {
  let z = Number.NaN;
  let p = Number.NaN;
  let since = 0;
  let sse = 0;
  const factor = sba ? 1 - alpha / 2 : 1;
  const rate = (): number => (Number.isNaN(z) ? 0 : (factor * z) / p);
  for (let t = 0; t < y.length; t++) {
    if (!isObserved(y[t])) continue;
    const e = y[t] - rate();
    sse += e * e;
    since++;
    if (y[t] > 0) {
      if (Number.isNaN(z)) {
        z = y[t];
        p = since;
      } else {
        z += alpha * (y[t] - z);
        p += alpha * (since - p);
      }
      since = 0;
    }
  }
  const r = rate();
  return { rate: r, sse, forecast: () => r };
}

export const croston = (y: DailySeries, alpha: number): IntermittentFit => crostonLike(y, alpha, false);
export const sba = (y: DailySeries, alpha: number): IntermittentFit => crostonLike(y, alpha, true);

/**
 * TSB (Teunter, Syntetos & Babai 2011): the demand probability d is smoothed every day (beta, towards 1 on a day
 * with demand and 0 without), the size z only on demand days (alpha); the forecast is d * z. d starts at the share of
 * observed days with demand, z at the first demand. A missing day (NaN) is skipped.
 */
export function tsb(y: DailySeries, alpha: number, beta: number): IntermittentFit {
  let days = 0;
  let demandDays = 0;
  for (let t = 0; t < y.length; t++) {
    if (!isObserved(y[t])) continue;
    days++;
    if (y[t] > 0) demandDays++;
  }
  let d = days ? demandDays / days : 0;
  let z = Number.NaN;
  let sse = 0;
  const rate = (): number => (Number.isNaN(z) ? 0 : d * z);
  for (let t = 0; t < y.length; t++) {
    if (!isObserved(y[t])) continue;
    const e = y[t] - rate();
    sse += e * e;
    if (y[t] > 0) {
      z = Number.isNaN(z) ? y[t] : z + alpha * (y[t] - z);
      d += beta * (1 - d);
    } else d += beta * (0 - d);
  }
  const r = rate();
  return { rate: r, sse, forecast: () => r };
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3];

/** The method with its smoothing chosen from a small grid by in-sample one-step SSE. */
export function fitIntermittent(y: DailySeries, method: Method): IntermittentFit {
  let best: IntermittentFit | undefined;
  for (const alpha of ALPHAS) {
    const fits = method === 'tsb' ? ALPHAS.map((beta) => tsb(y, alpha, beta)) : [method === 'sba' ? sba(y, alpha) : croston(y, alpha)];
    for (const fit of fits) if (!best || fit.sse < best.sse) best = fit;
  }
  return best as IntermittentFit; // the grid is not empty
}
