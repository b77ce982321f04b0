/**
 * Forecast accuracy over many series, accumulated one series at a time (so a fit over every store-SKU needs no more
 * memory than one series):
 *   WAPE   = sum |f - a| / sum a                       (a fraction: 0.25 is 25%)
 *   bias % = 100 * sum (f - a) / sum a
 *   MASE   = the mean over series of (mean |f - a| / in-sample lag-7 seasonal naive MAE), series with a scale > 0 only.
 * Only observed (not censored) days count.
 */
export class AccuracyTotals {
  series = 0;
  private absError = 0;
  private error = 0;
  private actual = 0;
  private maseSum = 0;
  private maseCount = 0;

  /** Adds one series' hold-out forecasts and actuals (same length; days with a NaN actual or forecast are skipped) and its MASE scale. */
  add(forecasts: ArrayLike<number>, actuals: ArrayLike<number>, scale: number): void {
    let abs = 0;
    let n = 0;
    for (let i = 0; i < actuals.length; i++) {
      const a = actuals[i];
      if (Number.isNaN(a) || Number.isNaN(forecasts[i])) continue;
      const e = forecasts[i] - a;
      abs += Math.abs(e);
      this.error += e;
      this.actual += a;
      n++;
    }
    this.absError += abs;
    this.series++;
    if (n > 0 && scale > 0) {
      this.maseSum += abs / n / scale;
      this.maseCount++;
    }
  }

  /** null where a measure is undefined (no actual demand, no series with a scale) */
  summary(): { series: number; wape: number | null; biasPct: number | null; mase: number | null } {
    return {
      series: this.series,
      wape: this.actual > 0 ? this.absError / this.actual : null,
      biasPct: this.actual > 0 ? (100 * this.error) / this.actual : null,
      mase: this.maseCount > 0 ? this.maseSum / this.maseCount : null,
    };
  }
}
