import { FsObjectStore } from '../adapters/fs-object-store';
import { withLockedRuntime } from '../cli/locked-runtime';
import { addDays } from '../simulator/time-zones';
import type { SimulationTruth } from '../simulator/truth';
import {
  evaluationWindows,
  fitAsOf,
  recordedForecast,
  runPipelineToEnd,
  seconds,
  type EvaluationOptions,
  type EvaluationProgress,
  type EvaluationReport,
  type EvaluationWindow,
  type ForecastByDay,
} from './evaluate';
import { forecastAccuracy, type ForecastAccuracy } from './forecast-accuracy';
import { simulateIntoLake } from './simulate-into-lake';

/** `evaluate --forecast-only`: the full evaluation's forecast figures, without stock risk and alerts. */
export interface ForecastEvaluationReport {
  options: EvaluationOptions;
  startDate: string;
  fits: EvaluationReport['fits'];
  seconds: { simulate: number; pipeline: number; fits: number };
  windows: (EvaluationWindow & { forecast: ForecastAccuracy })[];
}

/**
 * Replays FitForecasts as of each day from the day before the first window through the last, as the full
 * evaluation does (the same fits on the same days: a refit when the models are a week old), without stock risk.
 * forecast_model is emptied first, so the first day fits on its own history only.
 */
export async function replayFits(
  lakeRoot: string,
  truth: SimulationTruth,
  windows: readonly EvaluationWindow[],
  onDay?: (done: number, total: number) => void,
): Promise<{ forecasts: ForecastByDay; fits: EvaluationReport['fits'] }> {
  const first = windows[0].from - 1;
  const pairs = truth.storeIds.length * truth.skus.length;
  const forecasts: ForecastByDay = Array.from({ length: pairs }, () => new Float64Array(truth.days).fill(Number.NaN));
  const fits: EvaluationReport['fits'] = [];
  await withLockedRuntime(lakeRoot, async (rt) => {
    await rt.warehouse.execute(['DELETE FROM forecast_model']);
    for (let day = first; day < truth.days; day++) {
      onDay?.(day - first, truth.days - first);
      await fitAsOf(rt, truth, addDays(truth.startDate, day), forecasts, fits);
    }
    onDay?.(truth.days - first, truth.days - first);
  });
  return { forecasts, fits };
}

/** Scores the recorded forecasts in each window, as scoreWindows does for the full evaluation. */
export function scoreForecasts(truth: SimulationTruth, forecasts: ForecastByDay, windows: readonly EvaluationWindow[]): ForecastEvaluationReport['windows'] {
  const forecast = recordedForecast(forecasts);
  return windows.map((w) => ({ ...w, forecast: forecastAccuracy(truth, forecast, w.forecastFrom, w.to) }));
}

/** The evaluation's simulation and pipeline run, then only the weekly fits and their forecasts' scores. */
export async function evaluateForecasts(lakeRoot: string, opts: EvaluationOptions, progress: EvaluationProgress): Promise<ForecastEvaluationReport> {
  const windows = evaluationWindows(opts.days);
  let t0 = Date.now();
  const { truth } = await simulateIntoLake(new FsObjectStore(lakeRoot), { seed: opts.seed, stores: opts.stores, skus: opts.skus, days: opts.days }, { onDay: progress.simulatedDay });
  progress.simulated();
  const simulate = seconds(t0);
  t0 = Date.now();
  await runPipelineToEnd(lakeRoot);
  const pipeline = seconds(t0);
  t0 = Date.now();
  const { forecasts, fits } = await replayFits(lakeRoot, truth, windows, progress.riskDay);
  return {
    options: opts,
    startDate: truth.startDate,
    fits,
    seconds: { simulate, pipeline, fits: seconds(t0) },
    windows: scoreForecasts(truth, forecasts, windows),
  };
}
