import { readJsonIfExists, writeJson } from '../../lib/pipeline/json-objects';
import type { StockRiskResult } from '../../lib/pipeline/state';
import type { ObjectStore, Warehouse } from '../../lib/ports';
import { alertsKey, alertTransitionsKey, toAlertNotice, toLevelChange, toStockAlert, type AlertList, type AlertTransitions } from '../../lib/risk/alerts';
import { alertNoticesSql, alertStateStatements, levelChangesSql } from '../../lib/risk/alert-lifecycle-sql';
import { serviceLevelZ } from '../../lib/risk/service-level';
import {
  asIsoDate,
  asOfDateSql,
  atRiskSql,
  carryForwardStatements,
  checkIsoDate,
  fullScopeStatements,
  incrementalScopeStatements,
  REVIEW_DAYS,
  reviewPlanSql,
  scopeSizeSql,
  stockReviewStatements,
  stockRiskStatements,
  type StockRiskSettings,
} from '../../lib/risk/stock-risk-sql';

/**
 * The statements of one stock-risk run as of `asOf` (one transaction). Incremental when the batch's dates are
 * known and a review plan exists that is not ahead of `asOf`: only the store-SKUs with rows on those dates and
 * those due for review are evaluated, the rest keep their last state (carried to a new date). Otherwise full:
 * every store-SKU with a stock count. A recompute of a date before the latest evaluated one leaves the review
 * plan alone (it belongs to the latest date).
 */
async function runStatements(warehouse: Warehouse, asOf: string, settings: StockRiskSettings, batchId: string, changedDates: string[] | undefined): Promise<string[]> {
  const [plan] = await warehouse.query(reviewPlanSql());
  const latest = asIsoDate(plan?.latest);
  const past = latest !== null && latest > asOf;
  const incremental = changedDates !== undefined && Number(plan?.planned ?? 0) > 0 && !past;
  return [
    ...(incremental ? [...incrementalScopeStatements(asOf, changedDates, batchId), ...carryForwardStatements(asOf)] : fullScopeStatements(asOf, batchId)),
    ...stockRiskStatements(asOf, settings),
    ...(past ? [] : stockReviewStatements(asOf, settings)),
  ];
}

/**
 * Stock risk as of `asOfDate` (default: the latest business date in the warehouse; an earlier date is computed
 * from the facts, orders and models of that date only): each store-SKU's projected stock, written to
 * fact_inventory_snapshot (replacing that date), the flagged SKUs to the batch's alert list, and the alert
 * lifecycle's decisions to its alert-transitions record.
 *
 * The order makes a retry safe (delivery is at least once): the decisions are taken here, once per batch,
 * recorded, and only PublishAlerts' mark after sending changes what the next run decides. A retried StockRisk
 * whose record exists keeps it (its alert_state is already updated: deciding again would find nothing).
 *
 * `changedDates` (the dates the batch loaded) makes the run incremental (see runStatements); without them every
 * store-SKU is evaluated.
 */
export async function runStockRisk(
  warehouse: Warehouse,
  store: ObjectStore,
  settings: StockRiskSettings,
  batchId: string,
  asOfDate?: string,
  changedDates?: string[],
): Promise<StockRiskResult> {
  const asOf = asOfDate === undefined ? asIsoDate((await warehouse.query(asOfDateSql()))[0]?.as_of_date) : checkIsoDate(asOfDate);
  const list: AlertList = {
    batchId,
    asOfDate: asOf,
    settings: {
      serviceLevel: settings.serviceLevel,
      z: Number(serviceLevelZ(settings.serviceLevel).toFixed(6)),
      reviewDays: REVIEW_DAYS,
      deadStockDays: settings.deadStockDays,
      overstockCover: settings.overstockCover,
    },
    alerts: [],
  };
  const transitionsKey = alertTransitionsKey(batchId);
  let transitions = await readJsonIfExists<AlertTransitions>(store, transitionsKey);
  let evaluated = 0;
  if (asOf) {
    await warehouse.execute(await runStatements(warehouse, asOf, settings, batchId, changedDates));
    evaluated = Number((await warehouse.query(scopeSizeSql()))[0]?.evaluated ?? 0);
    list.alerts = (await warehouse.query(atRiskSql(asOf))).map(toStockAlert);
    if (transitions === null) {
      const changes = (await warehouse.query(levelChangesSql(asOf))).map(toLevelChange);
      await warehouse.execute(alertStateStatements(asOf, batchId));
      const notices = (await warehouse.query(alertNoticesSql(asOf, batchId))).map(toAlertNotice);
      transitions = { batchId, asOfDate: asOf, changes, notices };
    }
  }
  transitions ??= { batchId, asOfDate: asOf, changes: [], notices: [] };
  const key = alertsKey(batchId);
  await writeJson(store, key, list);
  await writeJson(store, transitionsKey, transitions);
  return {
    asOfDate: asOf,
    critical: list.alerts.filter((a) => a.severity === 'critical').length,
    high: list.alerts.filter((a) => a.severity === 'high').length,
    alertsKey: key,
    transitionsKey,
    notices: transitions.notices.length,
    evaluated,
  };
}
