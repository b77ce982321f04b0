import { formatAccuracy } from '../../../local/cli/forecast-command';

describe('retail-lake forecast output', () => {
  it('prints WAPE in percent, bias % and MASE per model, and the gain over seasonal naive', () => {
    const text = formatAccuracy({
      skipped: false,
      fittedThrough: '2024-03-10',
      series: 2,
      modelsKey: 'forecast/models/fitted_through=2024-03-10/models.parquet',
      accuracy: [
        { model: 'selected', series: 2, wape: 0.3, biasPct: -1.234, mase: 0.81234 },
        { model: 'seasonal_naive', series: 2, wape: 0.4, biasPct: 0.5, mase: 1.1 },
      ],
    });
    expect(text).toContain('fitted 2 series through 2024-03-10');
    expect(text).toMatch(/selected\s+2\s+30\s+-1\.2\s+0\.812/);
    expect(text).toMatch(/seasonal_naive\s+2\s+40\s+0\.5\s+1\.1/);
    expect(text).toContain('WAPE 25.0% lower than seasonal naive');
  });
});
