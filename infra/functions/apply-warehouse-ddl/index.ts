import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { RetailLakeError, TransientError } from '../../../functions/lib/errors';
import { RedshiftDataWarehouse } from '../../../functions/lib/aws/redshift-data-warehouse';

/**
 * Custom resource: applies the warehouse DDL (sql/redshift/schema.sql and the access grants, rendered at synth) through
 * the Redshift Data API as the namespace admin, waiting for each batch. Create and Update run the statements (the
 * DDL is idempotent: CREATE ... IF NOT EXISTS); Delete leaves the warehouse as it is.
 */
export interface DdlProperties {
  WorkgroupName: string;
  Database: string;
  SecretArn: string;
  /** CREATE statements run one by one first; "already exists" is not an error (CREATE ROLE has no IF NOT EXISTS) */
  CreateIfMissing: string[];
  Statements: string[];
}

const ALREADY_EXISTS = /already exists/i;

type Send = (url: string, body: string) => Promise<void>;

const putResponse: Send = async (url, body) => {
  const res = await fetch(url, { method: 'PUT', body, headers: { 'content-type': '' } });
  if (!res.ok) {
    const Kind = res.status >= 500 ? TransientError : RetailLakeError;
    throw new Kind(`CloudFormation response upload failed: ${res.status}`);
  }
};

export async function applyDdl(
  event: CloudFormationCustomResourceEvent,
  makeWarehouse: (p: DdlProperties) => Pick<RedshiftDataWarehouse, 'execute'>,
  send: Send = putResponse,
): Promise<void> {
  const physicalId = event.RequestType === 'Create' ? `warehouse-ddl-${event.LogicalResourceId}` : event.PhysicalResourceId;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'ok';
  try {
    if (event.RequestType !== 'Delete') {
      const props = event.ResourceProperties as unknown as DdlProperties;
      const warehouse = makeWarehouse(props);
      for (const create of props.CreateIfMissing ?? []) {
        try {
          await warehouse.execute([create]);
        } catch (err) {
          if (!(err instanceof Error && ALREADY_EXISTS.test(err.message))) throw err;
        }
      }
      await warehouse.execute(props.Statements);
      reason = `applied ${props.Statements.length} statements`;
    }
  } catch (err) {
    status = 'FAILED';
    reason = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
  }
  await send(
    event.ResponseURL,
    JSON.stringify({
      Status: status,
      Reason: reason,
      PhysicalResourceId: physicalId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    }),
  );
}

export async function handler(event: CloudFormationCustomResourceEvent, context: Context): Promise<void> {
  const client = new RedshiftDataClient({});
  // Leave a minute of the Lambda's time to report back, so CloudFormation never waits an hour for an answer.
  const maxWaitMs = Math.max(10_000, context.getRemainingTimeInMillis() - 60_000);
  await applyDdl(event, (p) => new RedshiftDataWarehouse(client, { workgroupName: p.WorkgroupName, database: p.Database, secretArn: p.SecretArn }, { intervalMs: 2000, maxWaitMs }));
}
