import type { Accuracy, ForecastAccuracy } from './forecast-accuracy';
import type { ForecastEvaluationReport } from './evaluate-forecasts';
import type { EvaluationReport, EvaluationWindow, WindowResult } from './evaluate';

const pct = (x: number | null, digits = 1): string => (x === null ? 'n/a' : `${(100 * x).toFixed(digits)}%`);
const fixed = (x: number | null, digits = 2): string => (x === null ? 'n/a' : x.toFixed(digits));
const share = (t: { flagged: number; true: number }): number | null => (t.flagged > 0 ? t.true / t.flagged : null);
const ratio = (x: number | null, hits: number, of: number): string => `${fixed(x)} (${hits}/${of})`;

function accuracy(a: Accuracy): string {
  return `WAPE ${pct(a.wape)}  bias ${a.biasPct === null ? 'n/a' : `${a.biasPct >= 0 ? '+' : ''}${a.biasPct.toFixed(1)}%`}  MASE ${fixed(a.mase)}`;
}

/** WAPE of the model relative to the seasonal naive's: -25% means a quarter lower. */
function wapeVsNaive(model: Accuracy, naive: Accuracy): string {
  if (model.wape === null || naive.wape === null || naive.wape === 0) return 'n/a';
  const change = model.wape / naive.wape - 1;
  return `${change >= 0 ? '+' : ''}${(100 * change).toFixed(1)}%`;
}

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
  return [...header, ...windowTable(r.windows, ROWS), '', ...fitLines(r.fits)].join('\n') + '\n';
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

/** One column per evaluation window, one line per row. */
function windowTable<W extends EvaluationWindow>(windows: W[], rows: [string, (w: W) => string][]): string[] {
  const columns = windows.map((w) => `at day ${w.end} (flags days ${w.from}-${w.to}, forecast ${w.forecastFrom}-${w.to})`);
  const cells = rows.map(([, cell]) => windows.map(cell));
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (label: string, values: string[]): string => [label.padEnd(labelWidth), ...values.map((v, i) => v.padEnd(widths[i]))].join('  ').trimEnd();
  return [line('', columns), line('-'.repeat(labelWidth), widths.map((w) => '-'.repeat(w))), ...rows.map(([label], i) => line(label, cells[i]))];
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
  return [...header, ...windowTable(r.windows, FORECAST_ROWS), '', ...fitLines(r.fits)].join('\n') + '\n';
}
