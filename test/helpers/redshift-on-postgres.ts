import type { ReadSecret } from '../../infra/functions/apply-warehouse-ddl/dashboard-user';
import { applyWarehouseDdl } from '../../infra/functions/apply-warehouse-ddl/index';
import { LOADER_DB_ROLE } from '../../infra/lib/warehouse/warehouse-access';
import { warehouseDdlProperties, type WarehouseDdlProperties } from '../../infra/lib/warehouse/warehouse-ddl';
import { PostgresSession, PostgresWarehouse } from './postgres-warehouse';

/**
 * Redshift's access model on PostgreSQL, for tests: the deploy runs as the admin (PGlite's superuser, as the
 * namespace admin is Redshift's), and the pipeline as a user that has exactly what CDK gives it: the loader
 * database role (granted at login by the RedshiftDbRoles principal tag, see warehouse-access.ts) with the grants
 * the DDL custom resource runs, plus what Redshift gives every user: USAGE and CREATE on schema public (PostgreSQL
 * 15+ no longer grants CREATE there to PUBLIC, Redshift still does) and TEMP on the database (PostgreSQL's
 * default too).
 */
export const PIPELINE_USER = 'pipeline';

export interface RedshiftOnPostgres {
  session: PostgresSession;
  /** the namespace admin: runs the deploy-time DDL and owns what it creates */
  admin: PostgresWarehouse;
  /** the pipeline's Data API identity */
  pipeline: PostgresWarehouse;
  close(): Promise<void>;
}

/** One PostgreSQL (PGlite takes seconds to start: share it across a file's tests, resetting between them). */
export async function startRedshiftOnPostgres(lakeRoot: string): Promise<RedshiftOnPostgres> {
  const session = await PostgresSession.start();
  await session.run(`CREATE ROLE ${PIPELINE_USER}`);
  const admin = new PostgresWarehouse(session, lakeRoot);
  return { session, admin, pipeline: admin.as(PIPELINE_USER), close: () => session.close() };
}

/** An empty warehouse: schema public dropped with everything in it and recreated with Redshift's default grants. */
export async function resetWarehouse(h: RedshiftOnPostgres): Promise<void> {
  for (const sql of ['DROP SCHEMA public CASCADE', 'CREATE SCHEMA public', 'GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC']) await h.session.run(sql);
}

/**
 * The deploy, as the custom resource does it (infra/functions/apply-warehouse-ddl with the properties CDK renders):
 * roles, migrations, grants and (with `DashboardUser`, its secret read by `readSecret`) QuickSight's user as the
 * admin; then the pipeline user's login takes the loader role. Returns the handler's account of what it applied.
 */
export async function deployWarehouse(h: RedshiftOnPostgres, properties: WarehouseDdlProperties = warehouseDdlProperties(), readSecret?: ReadSecret): Promise<string> {
  const done = await applyWarehouseDdl(h.admin, properties, readSecret);
  await h.session.run(`GRANT ${LOADER_DB_ROLE} TO ${PIPELINE_USER}`);
  return done;
}
