import { readSql, renderSql } from '../sql-files';
import { splitSqlStatements } from '../warehouse/sql-text';
import { checkBatchId, checkIsoDate } from './stock-risk-sql';

/** The level changes on `asOfDate` against alert_state, read before alertStateStatements apply them. */
export function levelChangesSql(asOfDate: string): string {
  return renderSql(readSql('redshift/alert_level_changes.sql'), { as_of_date: checkIsoDate(asOfDate) });
}

/** alert_state takes the as-of levels; the rows the batch announces are marked pending (one transaction). */
export function alertStateStatements(asOfDate: string, batchId: string): string[] {
  return splitSqlStatements(renderSql(readSql('redshift/alert_state_update.sql'), { as_of_date: checkIsoDate(asOfDate), batch_id: checkBatchId(batchId) }));
}

/** The notices pending for the batch, with their stock position. */
export function alertNoticesSql(asOfDate: string, batchId: string): string {
  return renderSql(readSql('redshift/alert_notices.sql'), { as_of_date: checkIsoDate(asOfDate), batch_id: checkBatchId(batchId) });
}

/** After the batch's messages went out: notified_* from what they said, nothing pending for the batch. */
export function markNotifiedStatements(asOfDate: string, batchId: string, notifiedAt: Date): string[] {
  const at = notifiedAt.toISOString().replace('T', ' ').replace(/Z$/, '');
  return splitSqlStatements(renderSql(readSql('redshift/alert_mark_notified.sql'), { as_of_date: checkIsoDate(asOfDate), batch_id: checkBatchId(batchId), notified_at: at }));
}
