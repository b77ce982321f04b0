import { readJsonIfExists, writeJson } from '../../lib/pipeline/json-objects';
import type { StockRiskResult } from '../../lib/pipeline/state';
import type { ObjectStore, Warehouse } from '../../lib/ports';
import { alertsKey, alertTransitionsKey, toAlertNotice, toLevelChange, toStockAlert, type AlertList, type AlertTransitions } from '../../lib/risk/alerts';
import { alertNoticesSql, alertStateStatements, levelChangesSql } from '../../lib/risk/alert-lifecycle-sql';
import { serviceLevelZ } from '../../lib/risk/service-level';
import { asIsoDate, asOfDateSql, atRiskSql, checkIsoDate, REVIEW_DAYS, stockRiskStatements, type StockRiskSettings } from '../../lib/risk/stock-risk-sql';

/**
 * Stock risk as of `asOfDate` (default: the latest business date in the warehouse; an earlier date is computed
 * from the facts, orders and models of that date only): each store-SKU's projected stock, written to
 * fact_inventory_snapshot (replacing that date), the flagged SKUs to the batch's alert list, and the alert
 * lifecycle's decisions to its alert-transitions record.
 *
 * The order makes a retry safe (delivery is at least once): the decisions are taken here, once per batch,
 * recorded, and only PublishAlerts' mark after sending changes what the next run decides. A retried StockRisk
 * whose record exists keeps it (its alert_state is already updated: deciding again would find nothing).
 */
export async function runStockRisk(
  warehouse: Warehouse,
  store: ObjectStore,
  settings: StockRiskSettings,
  batchId: string,
  asOfDate?: string,
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
  if (asOf) {
    await warehouse.execute(stockRiskStatements(asOf, settings));
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
  };
}
