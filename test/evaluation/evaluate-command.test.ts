import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCommand } from '../../local/cli/evaluate-command';
import type { CeilingReport, EvaluationReport } from '../../local/evaluation/evaluate';
import type { ForecastEvaluationReport } from '../../local/evaluation/evaluate-forecasts';
import { openLocalWarehouse } from '../../local/local-runtime';

// One small run end to end: simulate with the truth, pipeline, stock risk as of each day, scores. The figures
// are checked for consistency with each other, not for target values.
describe('retail-lake evaluate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'retail-lake-evaluate-test-'));
  const lake = join(dir, 'lake');
  let report: EvaluationReport;
  let forecastOnly: ForecastEvaluationReport;
  let stdout = '';

  beforeAll(async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stdout += String(chunk);
      return true;
    });
    const quiet = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      report = await evaluateCommand({ seed: 7, stores: 2, skus: 12, days: 21, lake, json: join(dir, 'report.json') });
      forecastOnly = await evaluateCommand({ seed: 7, stores: 2, skus: 12, days: 21, lake: join(dir, 'forecast-only'), forecastOnly: true });
    } finally {
      write.mockRestore();
      quiet.mockRestore();
    }
  }, 600_000);

  it('scores one window after the warm-up, with figures that agree with each other', () => {
    expect(report.windows.map((w) => [w.end, w.from, w.to, w.forecastFrom])).toEqual([[21, 10, 20, 10]]);
    const [w] = report.windows;
    const a = w.alerts;
    expect(a.flaggedTrue).toBeLessThanOrEqual(a.flagged);
    expect(a.stockoutsFlagged).toBeLessThanOrEqual(a.stockouts);
    expect(a.precision).toBe(a.flagged > 0 ? a.flaggedTrue / a.flagged : null);
    // every flag of the 11 days is either scored or left out for its lead time, 2 stores
    expect(a.flaggedPerStoreDay * 2 * 11).toBeCloseTo(a.flagged + a.flaggedUnresolved, 6);
    expect(a.medianFlaggedShare).toBeGreaterThanOrEqual(0);
    expect(a.medianFlaggedShare).toBeLessThanOrEqual(1);
    expect(report.stockoutRate).toBeGreaterThanOrEqual(0);
    expect(report.stockoutRate).toBeLessThan(1);
    const f = w.forecast;
    // at most 2 stores x 12 SKUs, the model and the baseline on the same series
    expect(f.latent.model.series).toBeGreaterThan(0);
    expect(f.latent.model.series).toBeLessThanOrEqual(2 * 12);
    expect(f.latent.seasonalNaive.series).toBe(f.latent.model.series);
    // refit weekly from the day before the window: days 9, 16
    expect(report.fits.map((x) => x.fittedThrough)).toEqual(['2026-03-11', '2026-03-18']);
    expect(a.messagesPerStoreDay).toBeGreaterThanOrEqual(0);
    expect(f.latent.model.wape).toBeGreaterThanOrEqual(0);
  });

  it('prints the table and writes the same figures as JSON', () => {
    expect(stdout).toContain('retail-lake evaluate: 2 stores, 12 SKUs, 21 days from 2026-03-02 (seed 7)');
    expect(stdout).toMatch(/alert precision +\S+ \(\d+\/\d+\)/);
    // this small run has no stockout in its window: no threshold reaches the recall
    expect(stdout).toMatch(/ceiling: precision at recall >= 0\.9 +n\/a \(never reached\)/);
    expect(stdout).toMatch(/ceiling: forecast WAPE vs seasonal naive +\S+%/);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('ran stock risk as of every day from the day before the window', async () => {
    const warehouse = await openLocalWarehouse(lake, { readOnly: true });
    try {
      const rows = await warehouse.query('SELECT COUNT(DISTINCT date_key) AS dates, MIN(date_key) AS first FROM fact_inventory_snapshot');
      expect(Number(rows[0].dates)).toBe(12);
      expect(String(rows[0].first).slice(0, 10)).toBe('2026-03-11');
    } finally {
      await warehouse.close();
    }
  });

  it('gives, with --ceiling-only, the ceiling of the same truth without a lake or the pipeline', async () => {
    let printed = '';
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed += String(chunk);
      return true;
    });
    let ceiling: CeilingReport;
    try {
      ceiling = await evaluateCommand({ seed: 7, stores: 2, skus: 12, days: 21, ceilingOnly: true, json: join(dir, 'ceiling.json') });
    } finally {
      write.mockRestore();
    }
    expect(ceiling.windows.map((w) => w.ceiling)).toEqual(report.windows.map((w) => w.ceiling));
    expect(printed).toContain('retail-lake evaluate --ceiling-only: 2 stores, 12 SKUs, 21 days from 2026-03-02 (seed 7)');
    expect(printed).not.toContain('alert precision');
    expect(JSON.parse(readFileSync(join(dir, 'ceiling.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(ceiling)));
    await expect(evaluateCommand({ seed: 7, stores: 1, skus: 1, days: 21, ceilingOnly: true, lake: join(dir, 'other') })).rejects.toThrow(/builds no lake/);
  });

  it('--forecast-only: the same fits and forecast figures, and only the forecast rows', () => {
    expect(forecastOnly.fits).toEqual(report.fits);
    expect(forecastOnly.windows).toEqual(report.windows.map((w) => ({ end: w.end, from: w.from, to: w.to, forecastFrom: w.forecastFrom, forecast: w.forecast })));
    expect(stdout).toContain('retail-lake evaluate --forecast-only: 2 stores, 12 SKUs, 21 days from 2026-03-02 (seed 7)');
    expect(stdout.split('--forecast-only')[1]).not.toContain('alert precision');
  });

  it('refuses a lake folder that is not empty', async () => {
    await expect(evaluateCommand({ seed: 7, stores: 1, skus: 1, days: 21, lake })).rejects.toThrow(/is not empty/);
  });
});
