import { Rng } from './random';
import { addDays } from './time-zones';

/**
 * The currencies the simulated stores trade in, and their value in US dollars. Stores in London and Manchester
 * sell in GBP, Berlin and Munich in EUR, Sydney and Melbourne in AUD, the rest in USD; products.csv prices stay in
 * USD and each store's shelf price is a conversion of it.
 */
export const BASE_CURRENCY = 'USD';

/** US dollars per unit of each currency at the start of a simulation (about the 2025-26 level). */
export const START_RATES: Readonly<Record<string, number>> = { USD: 1, GBP: 1.27, EUR: 1.08, AUD: 0.66 };

/** Daily standard deviation of the log exchange rate (about 0.4%, a quiet major currency pair). */
const DAILY_VOLATILITY = 0.004;

/** The start rate of `currency` (1 for an unknown one: it is then treated like the base currency). */
export function startRate(currency: string): number {
  return START_RATES[currency] ?? 1;
}

/**
 * Daily rates (USD per unit) of each non-USD currency over `days` days from `startDate`: a seeded random walk from
 * the start rate, the same for a given seed whatever the stores.
 */
export function dailyRates(currencies: readonly string[], startDate: string, days: number, seed: number): { rate_date: string; currency: string; rate: number }[] {
  const rows: { rate_date: string; currency: string; rate: number }[] = [];
  for (const currency of [...new Set(currencies)].filter((c) => c !== BASE_CURRENCY).sort()) {
    const rng = new Rng(seed, `fx:${currency}`);
    let log = Math.log(startRate(currency));
    for (let d = 0; d < days; d++) {
      rows.push({ rate_date: addDays(startDate, d), currency, rate: Number(Math.exp(log).toFixed(6)) });
      log += DAILY_VOLATILITY * rng.normal();
    }
  }
  return rows.sort((a, b) => a.rate_date.localeCompare(b.rate_date) || a.currency.localeCompare(b.currency));
}
