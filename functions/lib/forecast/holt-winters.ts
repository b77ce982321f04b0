import { isObserved, WEEK, type DailySeries, type Forecaster } from './series';

/** Smoothing parameters of additive Holt-Winters. beta 0 with phi 1 is ETS(A,N,A) when the trend starts at 0. */
export interface HoltWintersParams {
  alpha: number;
  gamma: number;
  /** trend smoothing; 0 (the default) keeps the trend at its initial value 0: no trend */
  beta?: number;
  /** trend damping in (0, 1]; 1 (the default) is an undamped trend */
  phi?: number;
}

/** The states after the last day, and the in-sample one-step errors. */
export interface HoltWintersFit extends Forecaster {
  params: Required<HoltWintersParams>;
  level: number;
  trend: number;
  /** seasonByHorizon[k]: the seasonal term of the forecast for h = k + 1 (k = 0..6) */
  seasonByHorizon: number[];
  /** sum of squared one-step errors over the observed days after the first week */
  sse: number;
  observed: number;
}

/**
 * Initial level and weekly season by the classical decomposition of the first two weeks (or what there is): the
 * level is the mean of the observed values, each weekday's season the mean deviation from it (0 when unobserved).
 */
export function initialStates(y: DailySeries): { level: number; season: number[] } {
  const span = Math.min(y.length, 2 * WEEK);
  let sum = 0;
  let count = 0;
  for (let t = 0; t < span; t++) {
    if (!isObserved(y[t])) continue;
    sum += y[t];
    count++;
  }
  const level = count ? sum / count : 0;
  const season = new Array<number>(WEEK).fill(0);
  const seen = new Array<number>(WEEK).fill(0);
  for (let t = 0; t < span; t++) {
    if (!isObserved(y[t])) continue;
    season[t % WEEK] += y[t] - level;
    seen[t % WEEK]++;
  }
  for (let j = 0; j < WEEK; j++) season[j] = seen[j] ? season[j] / seen[j] : 0;
  return { level, season };
}

/** The states after the last day and the in-sample one-step errors: holtWinters' recursions. */
interface Smoothed {
  level: number;
  trend: number;
  /** season[t % 7] after the last day */
  season: number[];
  sse: number;
  observed: number;
}

/** The recursions of holtWinters over y from the initial states `init` (not changed). */
function smooth(y: DailySeries, params: Required<HoltWintersParams>, init: { level: number; season: number[] }): Smoothed {
  const { alpha, beta, gamma, phi } = params;
  // a local: the fitting loops run this millions of times, and tsx's CommonJS output reads an import through a getter
  const week = WEEK;
  let level = init.level;
  let trend = 0;
  // season[t % 7] holds s_{t-7} when day t is processed
  const season = init.season.slice();
  let sse = 0;
  let observed = 0;
  for (let t = 0; t < y.length; t++) {
    const j = t % week;
    const base = level + phi * trend;
    const fitted = base + season[j];
    const v = y[t];
    // a missing (censored) day: isObserved's NaN, tested inline for the same reason as `week`
    if (Number.isNaN(v)) {
      level = base;
      trend = phi * trend;
      continue;
    }
    const error = v - fitted;
    if (t >= week) {
      sse += error * error;
      observed++;
    }
    const newLevel = alpha * (v - season[j]) + (1 - alpha) * base;
    trend = beta * (newLevel - level) + (1 - beta) * phi * trend;
    season[j] = gamma * (v - base) + (1 - gamma) * season[j];
    level = newLevel;
  }
  return { level, trend, season, sse, observed };
}

/** The fit of smoothed states over a series of n days. */
function fitOf(params: Required<HoltWintersParams>, n: number, { level, trend, season, sse, observed }: Smoothed): HoltWintersFit {
  const { phi } = params;
  const seasonByHorizon = Array.from({ length: WEEK }, (_, k) => season[(n + k) % WEEK]);
  const damped = (h: number): number => {
    if (phi === 1) return h;
    return (phi * (1 - phi ** h)) / (1 - phi);
  };
  return {
    params,
    level,
    trend,
    seasonByHorizon,
    sse,
    observed,
    forecast: (h) => level + damped(h) * trend + seasonByHorizon[(h - 1) % WEEK],
  };
}

const withDefaults = (p: HoltWintersParams): Required<HoltWintersParams> => ({ alpha: p.alpha, gamma: p.gamma, beta: p.beta ?? 0, phi: p.phi ?? 1 });

/**
 * Additive Holt-Winters with a weekly season in the error-correction form of ETS(A,N,A) / ETS(A,Ad,A)
 * (Hyndman & Athanasopoulos, Forecasting: Principles and Practice, 3rd ed., section 8.3):
 *   l_t = alpha (y_t - s_{t-7}) + (1 - alpha)(l_{t-1} + phi b_{t-1})
 *   b_t = beta (l_t - l_{t-1}) + (1 - beta) phi b_{t-1}
 *   s_t = gamma (y_t - l_{t-1} - phi b_{t-1}) + (1 - gamma) s_{t-7}
 *   yhat_{t+h} = l_t + (phi + ... + phi^h) b_t + s_{t+h-7(k+1)}
 * A missing day (NaN) takes the one-step forecast as its value: the states move on without a correction.
 */
export function holtWinters(y: DailySeries, p: HoltWintersParams): HoltWintersFit {
  const params = withDefaults(p);
  return fitOf(params, y.length, smooth(y, params, initialStates(y)));
}

/** The grid the parameters are chosen from by in-sample one-step SSE (small on purpose: it runs per series). */
export const HOLT_WINTERS_GRID = {
  alpha: [0.02, 0.05, 0.1, 0.2, 0.35],
  gamma: [0, 0.05, 0.15, 0.3],
} as const;

/** ETS(A,N,A) with alpha and gamma chosen from the grid by the in-sample one-step SSE (gamma <= 1 - alpha). */
export function fitHoltWinters(y: DailySeries, extra: Pick<HoltWintersParams, 'beta' | 'phi'> = {}): HoltWintersFit {
  // the initial states depend on y only, and only the best grid point becomes a fit
  const init = initialStates(y);
  let best: { params: Required<HoltWintersParams>; states: Smoothed } | undefined;
  for (const alpha of HOLT_WINTERS_GRID.alpha) {
    for (const gamma of HOLT_WINTERS_GRID.gamma) {
      if (gamma > 1 - alpha) continue;
      const params = withDefaults({ alpha, gamma, ...extra });
      const states = smooth(y, params, init);
      if (!best || states.sse < best.states.sse) best = { params, states };
    }
  }
  if (!best) throw new RangeError('the Holt-Winters grid is empty');
  return fitOf(best.params, y.length, best.states);
}
