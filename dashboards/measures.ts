/**
 * Building blocks of the dashboards' measures (dashboards/definition.ts), so each definition reads as what it shows.
 * Money follows one convention in every data set: `<x>_rpt` is the amount in the reporting currency (named by the
 * `reporting_currency` column) and `<x>` the same amount in the store's currency (named by `currency`).
 */
import type { Aggregation, Measure, MeasureField, ValueFormat } from './definition';

/** The data set column naming the reporting currency of the `*_rpt` amounts. */
export const REPORTING_CURRENCY_COLUMN = 'reporting_currency';
/** The data set column naming the store's currency of the local amounts. */
export const STORE_CURRENCY_COLUMN = 'currency';

export const aggregate = (column: string, aggregation: Aggregation): Measure => ({ kind: 'aggregate', column, aggregation });
export const sum = (column: string): Measure => aggregate(column, 'sum');
export const ratio = (numerator: Measure, denominator: Measure): Measure => ({ kind: 'ratio', numerator, denominator });

/** A figure that is not money. */
export function field(id: string, label: string, measure: Measure, format: Exclude<ValueFormat, 'money'>): MeasureField {
  return { id, label, measure, format };
}

/** A money figure: `measure(<column>_rpt)` in the reporting currency, and `measure(<column>)` for one store's rows. */
function money(id: string, label: string, measure: (column: string) => Measure, column: string): MeasureField {
  return {
    id,
    label,
    measure: measure(`${column}_rpt`),
    format: 'money',
    money: { currencyColumn: REPORTING_CURRENCY_COLUMN, local: { measure: measure(column), currencyColumn: STORE_CURRENCY_COLUMN } },
  };
}

/** The total of an amount: sum(<column>_rpt), or sum(<column>) in the store's currency. */
export function moneySum(id: string, label: string, column: string): MeasureField {
  return money(id, label, sum, column);
}

/** An amount per unit of a count (per basket, per visit): sum(<column>_rpt) / sum(per), the same locally. */
export function moneyPer(id: string, label: string, column: string, per: string): MeasureField {
  return money(id, label, (c) => ratio(sum(c), sum(per)), column);
}

/** One amount as a share of another (margin / revenue, revenue / target), from the reporting-currency columns. */
export function percentOf(id: string, label: string, numerator: string, denominator: string): MeasureField {
  return field(id, label, ratio(sum(`${numerator}_rpt`), sum(`${denominator}_rpt`)), 'percent');
}
