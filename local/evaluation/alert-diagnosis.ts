import type { SimulationTruth } from '../simulator/truth';
import { median, openOrdersByPair, stocksOutIfNobodyActs, stockoutStarts } from './alert-quality';
import type { RiskAsOf } from './stock-risk-as-of';

/**
 * Why flags were wrong, in counts the lead developer can act on. Not a score: the inputs stock risk had on the day
 * (its on-hand estimate, what it saw on order, its daily forecast) against the truth of the same day.
 */
export interface AlertDiagnosis {
  /** flagged store-SKU-days (horizon inside the run) by level, and how many of each stock out if nobody acts */
  critical: { flagged: number; true: number };
  high: { flagged: number; true: number };
  /** flags that did not stock out (false positives), split by what stock risk saw or got wrong */
  falsePositives: {
    count: number;
    /** an order placed by then arrived within the lead time (the truth) */
    orderArrivedInLead: number;
    /** stock risk's on-order quantity that day was 0 although the truth had an order open */
    lakeSawNoOrderButOpen: number;
    /** stock risk's on hand differs from the truth's end-of-day stock by more than half a unit */
    onHandWrong: number;
    /** median of (forecast x lead time) / latent demand over the lead time (1 = right; > 1 demand overestimated) */
    medianDemandRatio: number | null;
    /** forecast over the lead time at least 1.5 x the latent demand */
    demandOver150pct: number;
    /** median units left at the tightest point of the lead time, if nobody acts (the margin by which it was wrong) */
    medianMinStockLeft: number | null;
  };
  /** stockout episodes not flagged in the lead time before they began */
  missed: {
    count: number;
    /** an order placed before the episode's lead window arrived on or after its first day, later than placed + lead */
    lateOrder: number;
    /** median forecast x lead / latent over the lead, on the first day of the lead window (< 1: underestimated) */
    medianDemandRatio: number | null;
    /** stock risk's on hand above the truth's on that first day */
    onHandOverestimated: number;
    /** the first day of the episode lost fewer than 2 units (a near miss, a one-unit stockout) */
    smallLoss: number;
  };
}

/** Diagnoses the flags of days [from, to]; `riskByDay` must hold each of those days. */
export function diagnoseAlerts(t: SimulationTruth, riskByDay: ReadonlyMap<number, RiskAsOf>, from: number, to: number): AlertDiagnosis {
  const pairs = t.storeIds.length * t.skus.length;
  const cell = (pair: number, day: number): number => pair * t.days + day;
  const ordersOf = openOrdersByPair(t);
  const critical = { flagged: 0, true: 0 };
  const high = { flagged: 0, true: 0 };
  const fp = { count: 0, orderArrivedInLead: 0, lakeSawNoOrderButOpen: 0, onHandWrong: 0, demandOver150pct: 0 };
  const fpRatios: number[] = [];
  const fpMargins: number[] = [];
  for (let d = from; d <= to; d++) {
    const r = riskByDay.get(d)!;
    for (let pair = 0; pair < pairs; pair++) {
      const level = r.level[pair];
      if (level === 0) continue;
      const orders = ordersOf.get(pair) ?? [];
      const out = stocksOutIfNobodyActs(t, pair, d, orders);
      if (out === null) continue;
      const tally = level === 2 ? critical : high;
      tally.flagged++;
      if (out) {
        tally.true++;
        continue;
      }
      fp.count++;
      const lead = t.leadDays[pair % t.skus.length];
      const open = orders.filter((o) => o.placedDay <= d && o.arrivalDay > d);
      if (open.some((o) => o.arrivalDay <= d + lead)) fp.orderArrivedInLead++;
      if (open.length > 0 && !(r.onOrder[pair] > 0)) fp.lakeSawNoOrderButOpen++;
      if (Math.abs(r.onHand[pair] - t.onHandEnd[cell(pair, d)]) > 0.5) fp.onHandWrong++;
      const latent = latentOver(t, pair, d, lead);
      if (latent > 0 && Number.isFinite(r.forecastDaily[pair])) {
        const ratio = (r.forecastDaily[pair] * lead) / latent;
        fpRatios.push(ratio);
        if (ratio >= 1.5) fp.demandOver150pct++;
      }
      let stock = t.onHandEnd[cell(pair, d)];
      let min = Number.POSITIVE_INFINITY;
      for (let k = d + 1; k <= d + lead; k++) {
        for (const o of open) if (o.arrivalDay === k) stock += o.qty;
        stock -= t.latentUnits[cell(pair, k)];
        min = Math.min(min, stock);
      }
      fpMargins.push(min);
    }
  }

  return {
    critical,
    high,
    falsePositives: { ...fp, medianDemandRatio: median(fpRatios), medianMinStockLeft: median(fpMargins) },
    missed: diagnoseMissed(t, riskByDay, from, to),
  };
}

function latentOver(t: SimulationTruth, pair: number, day: number, lead: number): number {
  let sum = 0;
  for (let k = day + 1; k <= day + lead && k < t.days; k++) sum += t.latentUnits[pair * t.days + k];
  return sum;
}

/** Stockout episodes in the window not flagged in the lead time before, and what stock risk saw then. */
function diagnoseMissed(t: SimulationTruth, riskByDay: ReadonlyMap<number, RiskAsOf>, from: number, to: number): AlertDiagnosis['missed'] {
  const pairs = t.storeIds.length * t.skus.length;
  const cell = (pair: number, day: number): number => pair * t.days + day;
  const ordersOf = openOrdersByPair(t);
  const missed = { count: 0, lateOrder: 0, onHandOverestimated: 0, smallLoss: 0 };
  const missRatios: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const lead = t.leadDays[pair % t.skus.length];
    for (const start of stockoutStarts(t, pair)) {
      if (start - lead < from || start - 1 > to) continue;
      let flagged = false;
      for (let d = start - lead; d < start && !flagged; d++) flagged = riskByDay.get(d)!.level[pair] > 0;
      if (flagged) continue;
      missed.count++;
      const first = start - lead;
      const orders = ordersOf.get(pair) ?? [];
      // later than placed + lead: a late supplier (or a closed store day pushing the delivery)
      if (orders.some((o) => o.placedDay < first && o.arrivalDay >= start && o.arrivalDay > o.placedDay + lead)) missed.lateOrder++;
      const r = riskByDay.get(first)!;
      const latent = latentOver(t, pair, first, lead);
      if (latent > 0 && Number.isFinite(r.forecastDaily[pair])) missRatios.push((r.forecastDaily[pair] * lead) / latent);
      if (r.onHand[pair] > t.onHandEnd[cell(pair, first)] + 0.5) missed.onHandOverestimated++;
      if (t.latentUnits[cell(pair, start)] - t.soldUnits[cell(pair, start)] < 2) missed.smallLoss++;
    }
  }
  return { ...missed, medianDemandRatio: median(missRatios) };
}
