/**
 * A daily demand series: one value per calendar day, oldest first. NaN marks a censored day (the store-SKU was out of
 * stock, so the sales are not the demand): a missing value, never a zero. Every model here skips its update on a
 * missing day and carries its state forward.
 */
export type DailySeries = ArrayLike<number>;

/** The weekly season, in days. */
export const WEEK = 7;

export const isObserved = (v: number): boolean => !Number.isNaN(v);

/** A fitted model's h-step forecasts (h = 1 is the day after the series ends). */
export interface Forecaster {
  forecast(h: number): number;
}
