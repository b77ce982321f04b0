import { fitHoltWinters } from './holt-winters';
import { fitIntermittent } from './intermittent';
import { seasonalNaive } from './seasonal-naive';
import { WEEK, type DailySeries } from './series';
import { fitSesWeekday, StoreDailyTotals } from './weekday-profile';

/** The candidate models, by the name forecast_model.model and forecast_accuracy.model store (<= 16 characters). */
export const MODEL_NAMES = ['seasonal_naive', 'ets_ana', 'croston', 'sba', 'tsb', 'ses_weekday'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/**
 * A fitted model in the warehouse's form: the forecast for h days after the last day is
 * max(0, level + trend * h + seasonByHorizon[(h - 1) % 7]) (forecast_model: level, trend, season by weekday).
 */
export interface ModelState {
  model: ModelName;
  level: number;
  trend: number;
  seasonByHorizon: number[];
}

export function forecastOf(state: ModelState, h: number): number {
  return Math.max(0, state.level + state.trend * h + state.seasonByHorizon[(h - 1) % WEEK]);
}

const flat = (model: ModelName, rate: number): ModelState => ({ model, level: rate, trend: 0, seasonByHorizon: new Array<number>(WEEK).fill(0) });

/** The series' own weekday profile: the fallback when no store profile is given. */
function ownProfile(y: DailySeries): number[] {
  const totals = new StoreDailyTotals(y.length);
  totals.add(y);
  return totals.profile();
}

/**
 * Fits one model on the series (parameters by in-sample one-step SSE) and returns its warehouse form.
 * `weekdayProfile` (factor by day index % 7, see StoreDailyTotals.profile) is the store's pooled weekday shape that
 * ses_weekday uses, estimated on the same days as y; without it, the series' own.
 */
export function fitModel(model: ModelName, y: DailySeries, weekdayProfile?: number[]): ModelState {
  switch (model) {
    case 'seasonal_naive':
      return { model, level: 0, trend: 0, seasonByHorizon: seasonalNaive(y).lastWeek };
    case 'ets_ana': {
      const fit = fitHoltWinters(y);
      return { model, level: fit.level, trend: 0, seasonByHorizon: fit.seasonByHorizon };
    }
    case 'croston':
    case 'sba':
    case 'tsb':
      return flat(model, fitIntermittent(y, model).rate);
    case 'ses_weekday':
      return { model, trend: 0, ...fitSesWeekday(y, weekdayProfile ?? ownProfile(y)) };
  }
}
