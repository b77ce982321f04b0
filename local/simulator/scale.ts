import { seasonFactor } from './calendar';
import { DAY_OF_WEEK_FACTOR } from './demand-model';
import { MEAN_EXTRA_DEMAND } from './promotions';
import { resolveOptions, type SimulatorOptions } from './options';
import { addDays, dayOfWeek } from './time-zones';

/**
 * Sale lines per sale transaction as generated: the drawn basket size (mean 2.63) less repeats of a SKU
 * already in the basket. Measured on the demo (12 stores, 200 SKUs); stock-outs lower it a little further.
 */
const LINES_PER_TRANSACTION = 2.52;

/**
 * Options that generate about `saleLines` sale lines (within about 10%: day-to-day noise, stock-outs, holidays) over `base`'s stores and days,
 * by setting transactionsPerStoreDay; for benchmarks at a chosen scale.
 */
export function optionsForSaleLines(saleLines: number, base: SimulatorOptions = {}): SimulatorOptions {
  if (!(saleLines > 0)) throw new RangeError(`saleLines: must be > 0, got ${saleLines}`);
  const o = resolveOptions(base);
  let dayFactors = 0;
  for (let d = 0; d < o.days; d++) {
    const date = addDays(o.startDate, d);
    dayFactors += DAY_OF_WEEK_FACTOR[dayOfWeek(date)] * seasonFactor(date) * (1 + MEAN_EXTRA_DEMAND);
  }
  const perStoreDay = saleLines / (o.stores * dayFactors * LINES_PER_TRANSACTION * (1 - o.returnRate));
  return { ...base, transactionsPerStoreDay: Math.max(1, Math.round(perStoreDay)) };
}
