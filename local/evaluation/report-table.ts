import { wapeChange, type Accuracy, type ForecastAccuracy } from './forecast-accuracy';
import type { CeilingReport, EvaluationReport, EvaluationWindow, WindowResult } from './evaluate';
import type { ForecastEvaluationReport } from './evaluate-forecasts';
import { TARGET_PRECISION, TARGET_RECALL, type OperatingPoint, type WindowCeiling } from './oracle';

const pct = (x: number | null, digits = 1): string => (x === null ? 'n/a' : `${(100 * x).toFixed(digits)}%`);
const fixed = (x: number | null, digits = 2): string => (x === null ? 'n/a' : x.toFixed(digits));
const share = (t: { flagged: number; true: number }): number | null => (t.flagged > 0 ? t.true / t.flagged : null);
const ratio = (x: number | null, hits: number, of: number): string => `${fixed(x)} (${hits}/${of})`;

function accuracy(a: Accuracy): string {
  return `WAPE ${pct(a.wape)}  bias ${a.biasPct === null ? 'n/a' : `${a.biasPct >= 0 ? '+' : ''}${a.biasPct.toFixed(1)}%`}  MASE ${fixed(a.mase)}`;
}

/** WAPE of the model relative to the seasonal naive's: -25% means a quarter lower. */
function wapeVsNaive(model: Accuracy, naive: Accuracy): string {
  return signedPct(wapeChange(model, naive));
}

const signedPct = (change: number | null): string => (change === null ? 'n/a' : `${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)}%`);

/** The forecast rows, the same in the full report and in the forecast-only one. */
const FORECAST_ROWS: [string, (w: { forecast: ForecastAccuracy }) => string][] = [
  ['forecast vs latent demand', (w) => accuracy(w.forecast.latent.model)],
  ['  seasonal naive', (w) => accuracy(w.forecast.latent.seasonalNaive)],
  ['  WAPE vs seasonal naive', (w) => wapeVsNaive(w.forecast.latent.model, w.forecast.latent.seasonalNaive)],
  ['forecast vs sales (uncensored days)', (w) => accuracy(w.forecast.observed.model)],
  ['  seasonal naive', (w) => accuracy(w.forecast.observed.seasonalNaive)],
  ['  WAPE vs seasonal naive', (w) => wapeVsNaive(w.forecast.observed.model, w.forecast.observed.seasonalNaive)],
];

const ROWS: [string, (w: WindowResult) => string][] = [
  ['alert precision', (w) => ratio(w.alerts.precision, w.alerts.flaggedTrue, w.alerts.flagged)],
  ['alert recall', (w) => ratio(w.alerts.recall, w.alerts.stockoutsFlagged, w.alerts.stockouts)],
  ['flags past the run (left out)', (w) => String(w.alerts.flaggedUnresolved)],
  ['store-SKUs flagged (median, last 28 days)', (w) => pct(w.alerts.medianFlaggedShare)],
  ['flagged per store per day', (w) => fixed(w.alerts.flaggedPerStoreDay, 1)],
  ['alert messages per store per day', (w) => fixed(w.alerts.messagesPerStoreDay, 2)],
  ['precision critical / high', (w) => `${ratio(share(w.diagnosis.critical), w.diagnosis.critical.true, w.diagnosis.critical.flagged)} / ${ratio(share(w.diagnosis.high), w.diagnosis.high.true, w.diagnosis.high.flagged)}`],
  ['false flags: order arrived in lead', (w) => String(w.diagnosis.falsePositives.orderArrivedInLead)],
  ['  on hand wrong / order not seen', (w) => `${w.diagnosis.falsePositives.onHandWrong} / ${w.diagnosis.falsePositives.lakeSawNoOrderButOpen}`],
  ['  forecast/latent over lead (median)', (w) => `${fixed(w.diagnosis.falsePositives.medianDemandRatio)} (>=1.5x: ${w.diagnosis.falsePositives.demandOver150pct})`],
  ['  units left at tightest (median)', (w) => fixed(w.diagnosis.falsePositives.medianMinStockLeft, 1)],
  ['missed stockouts: late order', (w) => `${w.diagnosis.missed.lateOrder} of ${w.diagnosis.missed.count}`],
  ['  forecast/latent (median)', (w) => fixed(w.diagnosis.missed.medianDemandRatio)],
  ['  on hand overestimated / lost < 2', (w) => `${w.diagnosis.missed.onHandOverestimated} / ${w.diagnosis.missed.smallLoss}`],
  ...FORECAST_ROWS,
];

const threshold = (p: OperatingPoint): string => `p >= ${p.threshold < 0.001 ? p.threshold.toExponential(1) : p.threshold.toFixed(3)}`;

/** The oracle's figures (oracle.ts): what no stock-risk method or forecast can expect to beat on this truth. */
const CEILING_ROWS: [string, (c: WindowCeiling) => string][] = [
  [`ceiling: precision at recall >= ${TARGET_RECALL}`, (c) => (c.atRecall ? `${fixed(c.atRecall.alerts.precision)} (recall ${fixed(c.atRecall.alerts.recall)}, ${threshold(c.atRecall)})` : 'n/a (never reached)')],
  [`ceiling: recall at precision >= ${TARGET_PRECISION}`, (c) => (c.atPrecision ? `${fixed(c.atPrecision.alerts.recall)} (${threshold(c.atPrecision)})` : 'n/a (never reached)')],
  ['  store-SKUs flagged (median, last 28 days)', (c) => [c.atRecall, c.atPrecision].map((p) => (p ? pct(p.alerts.medianFlaggedShare) : 'n/a')).join(' / ')],
  ['ceiling: forecast WAPE vs seasonal naive', (c) => `${signedPct(c.forecast.expectedVsNaive)} (WAPE ${pct(c.forecast.expected.wape)} vs ${pct(c.forecast.seasonalNaive.wape)})`],
  ['  day traffic known / median forecast', (c) => `${signedPct(c.forecast.dayTrafficKnownVsNaive)} / ${signedPct(c.forecast.medianVsNaive)} (bias ${fixed(c.forecast.median.biasPct, 1)}%)`],
];

const CEILING_NOTE = [
  'ceiling: an oracle that knows the true distribution of demand (not its draw), each day\'s stock and every order',
  'placed with its real arrival day, flagging when P(stockout within the lead time if nobody acts) >= p; its forecast',
  'is the expected units. No method can expect better on this run. Flagged shares: at the recall / precision point.',
];

/** Rows of label and one value per window, aligned under a header row. */
function table(windows: readonly EvaluationWindow[], rows: [string, string[]][]): string[] {
  const columns = windows.map((w) => `at day ${w.end} (flags days ${w.from}-${w.to}, forecast ${w.forecastFrom}-${w.to})`);
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map(([, cells]) => cells[i].length)));
  const line = (label: string, values: string[]): string => [label.padEnd(labelWidth), ...values.map((v, i) => v.padEnd(widths[i]))].join('  ').trimEnd();
  return [line('', columns), line('-'.repeat(labelWidth), widths.map((w) => '-'.repeat(w))), ...rows.map(([label, cells]) => line(label, cells))];
}

const ceilingRows = (windows: readonly { ceiling: WindowCeiling }[]): [string, string[]][] => CEILING_ROWS.map(([label, cell]) => [label, windows.map((w) => cell(w.ceiling))]);

/** The ceiling-only report (`--ceiling-only`) as a text table. */
export function formatCeilingReport(r: CeilingReport): string {
  const o = r.options;
  const header = [
    `retail-lake evaluate --ceiling-only: ${o.stores} stores, ${o.skus} SKUs, ${o.days} days from ${r.startDate} (seed ${o.seed})`,
    `simulator stockout rate: ${pct(r.stockoutRate, 2)} of store-SKU open days (out of stock at close or lost sales), whole run`,
    ...CEILING_NOTE,
    `time: simulate ${r.seconds.simulate} s, ceiling ${r.seconds.ceiling} s`,
    '',
  ];
  return [...header, ...table(r.windows, ceilingRows(r.windows))].join('\n') + '\n';
}

/** The report as a text table: one column per evaluation window. */
export function formatReport(r: EvaluationReport): string {
  const o = r.options;
  const header = [
    `retail-lake evaluate: ${o.stores} stores, ${o.skus} SKUs, ${o.days} days from ${r.startDate} (seed ${o.seed})`,
    `simulator stockout rate: ${pct(r.stockoutRate, 2)} of store-SKU open days (out of stock at close or lost sales), whole run`,
    'forecast scored: the fitted models (FitForecasts, refit weekly as of the evaluation days), from the fit before each day',
    `time: simulate ${r.seconds.simulate} s, pipeline ${r.seconds.pipeline} s, as-of days ${r.seconds.asOfDays} s`,
    '',
  ];
  const rows: [string, string[]][] = [...ROWS.map(([label, cell]): [string, string[]] => [label, r.windows.map(cell)]), ...ceilingRows(r.windows)];
  return [...header, ...table(r.windows, rows), '', ...CEILING_NOTE, '', ...fitLines(r.fits)].join('\n') + '\n';
}

/** Each weekly fit's own backtest: the selected models and the seasonal naive. */
function fitLines(fits: EvaluationReport['fits']): string[] {
  return fits.map((f) => {
    const row = (model: string): string => {
      const a = f.accuracy.find((x) => x.model === model);
      return a ? `${model} ${accuracy({ series: a.series, wape: a.wape, biasPct: a.biasPct, mase: a.mase })}` : `${model} n/a`;
    };
    return `fit through ${f.fittedThrough}, its own backtest: ${row('selected')}; ${row('seasonal_naive')}`;
  });
}

/** `evaluate --forecast-only`: the full report's forecast rows and fits, the same figures for the same run. */
export function formatForecastReport(r: ForecastEvaluationReport): string {
  const o = r.options;
  const header = [
    `retail-lake evaluate --forecast-only: ${o.stores} stores, ${o.skus} SKUs, ${o.days} days from ${r.startDate} (seed ${o.seed})`,
    'forecast scored: the fitted models (FitForecasts, refit weekly as of the evaluation days), from the fit before each day; no stock risk or alerts',
    `time: simulate ${r.seconds.simulate} s, pipeline ${r.seconds.pipeline} s, fits ${r.seconds.fits} s`,
    '',
  ];
  const rows = FORECAST_ROWS.map(([label, cell]): [string, string[]] => [label, r.windows.map(cell)]);
  return [...header, ...table(r.windows, rows), '', ...fitLines(r.fits)].join('\n') + '\n';
}
