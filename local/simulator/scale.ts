import { DAY_OF_WEEK_FACTOR } from './demand-model';
import { resolveOptions, type SimulatorOptions } from './options';
import { addDays, dayOfWeek } from './time-zones';

/**
 * Sale lines per sale transaction as generated: the drawn basket size (mean 2.63) less repeats of a SKU
 * already in the basket. Measured over 12-50 stores and 200 SKUs; stock-outs lower it a little further.
 */
const LINES_PER_TRANSACTION = 2.48;

/**
 * Options that generate about `saleLines` sale lines (within about 10%: day-to-day noise and stock-outs) over `base`'s stores and days,
 * by setting transactionsPerStoreDay; for benchmarks at a chosen scale.
 */
export function optionsForSaleLines(saleLines: number, base: SimulatorOptions = {}): SimulatorOptions {
  if (!(saleLines > 0)) throw new RangeError(`saleLines: must be > 0, got ${saleLines}`);
  const o = resolveOptions(base);
  let dayFactors = 0;
  for (let d = 0; d < o.days; d++) dayFactors += DAY_OF_WEEK_FACTOR[dayOfWeek(addDays(o.startDate, d))];
  const perStoreDay = saleLines / (o.stores * dayFactors * LINES_PER_TRANSACTION * (1 - o.returnRate));
  return { ...base, transactionsPerStoreDay: Math.max(1, Math.round(perStoreDay)) };
}
