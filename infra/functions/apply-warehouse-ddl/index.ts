import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { ConfigurationError, RetailLakeError, TransientError } from '../../../functions/lib/errors';
import { RedshiftDataWarehouse } from '../../../functions/lib/aws/redshift-data-warehouse';
import type { Warehouse } from '../../../functions/lib/ports';
import { applyMigrations, type Migration } from '../../../functions/lib/warehouse/migrations';
import type { WarehouseDdlProperties } from '../../lib/warehouse/warehouse-ddl';
import { applyDashboardUser, secretsManagerReader, type ReadSecret } from './dashboard-user';

/**
 * Custom resource: applies the warehouse DDL rendered at synth (infra/lib/warehouse/warehouse-ddl.ts) through the
 * Redshift Data API as the namespace admin, waiting for each batch: the database roles, the migrations the
 * warehouse lacks (functions/lib/warehouse/migrations.ts, each in its own transaction), the grants, then
 * QuickSight's password user from its secret (dashboard-user.ts). Create and Update run it (applying nothing that
 * is already applied); Delete leaves the warehouse as it is.
 */
export interface DdlProperties extends WarehouseDdlProperties {
  WorkgroupName: string;
  Database: string;
  SecretArn: string;
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

/** CloudFormation passes every scalar property as a string: the migrations' versions arrive as '1', '2', ... */
function migrationsOf(raw: unknown): Migration[] {
  if (!Array.isArray(raw)) throw new ConfigurationError('the Migrations property is missing');
  return raw.map((m: { version: unknown; name: unknown; statements: unknown }) => ({ version: Number(m.version), name: String(m.name), statements: (m.statements as unknown[]).map(String) }));
}

const noSecrets: ReadSecret = () => Promise.reject(new ConfigurationError('this handler reads no secret'));

/** The roles, the missing migrations, the grants, QuickSight's user; returns what it did, for the response's Reason. */
export async function applyWarehouseDdl(warehouse: Warehouse, props: WarehouseDdlProperties, readSecret: ReadSecret = noSecrets): Promise<string> {
  for (const create of props.CreateIfMissing ?? []) {
    try {
      await warehouse.execute([create]);
    } catch (err) {
      if (!(err instanceof Error && ALREADY_EXISTS.test(err.message))) throw err;
    }
  }
  const applied = await applyMigrations(warehouse, migrationsOf(props.Migrations), props.MigrationLedger);
  await warehouse.execute(props.Statements);
  const user = props.DashboardUser ? `; ${await applyDashboardUser(warehouse, props.DashboardUser, readSecret)}` : '';
  return `applied migrations [${applied.join(', ')}] and ${props.Statements.length} grant statements${user}`;
}

export async function applyDdl(
  event: CloudFormationCustomResourceEvent,
  makeWarehouse: (p: DdlProperties) => Warehouse,
  send: Send = putResponse,
  readSecret: ReadSecret = noSecrets,
): Promise<void> {
  const physicalId = event.RequestType === 'Create' ? `warehouse-ddl-${event.LogicalResourceId}` : event.PhysicalResourceId;
  let status: 'SUCCESS' | 'FAILED' = 'SUCCESS';
  let reason = 'ok';
  try {
    if (event.RequestType !== 'Delete') {
      const props = event.ResourceProperties as unknown as DdlProperties;
      reason = await applyWarehouseDdl(makeWarehouse(props), props, readSecret);
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
  await applyDdl(
    event,
    (p) => new RedshiftDataWarehouse(client, { workgroupName: p.WorkgroupName, database: p.Database, secretArn: p.SecretArn }, { intervalMs: 2000, maxWaitMs }),
    putResponse,
    secretsManagerReader(new SecretsManagerClient({})),
  );
}
