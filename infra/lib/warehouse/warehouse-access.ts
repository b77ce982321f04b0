import type * as iam from 'aws-cdk-lib/aws-iam';
import { Tags } from 'aws-cdk-lib';

/**
 * Database roles of the warehouse. The pipeline's IAM roles reach Redshift through the Data API with their own
 * identity (user `IAMR:<role>`); the `RedshiftDbRoles` principal tag grants that user these database roles at login.
 * QuickSight cannot use IAM auth on Redshift Serverless: it logs in as a password user (DASHBOARD_DB_USER, created
 * by the DDL custom resource from its own secret) holding the dashboard role, SELECT on what the data sets read.
 */
export const LOADER_DB_ROLE = 'retail_lake_loader';
export const READER_DB_ROLE = 'retail_lake_reader';
export const DASHBOARD_DB_ROLE = 'retail_lake_dashboards';
/** QuickSight's database user (its password is in the reader secret, never in the template) */
export const DASHBOARD_DB_USER = 'quicksight_reader';

/** Created one by one (an existing role is not an error), before the grants. */
export const CREATE_DB_ROLES = [`CREATE ROLE ${LOADER_DB_ROLE}`, `CREATE ROLE ${READER_DB_ROLE}`, `CREATE ROLE ${DASHBOARD_DB_ROLE}`];

/** After the schema: what the loads (COPY, DELETE, INSERT), stock risk and reconciliation need, and read-only. */
export const GRANT_STATEMENTS = [
  // Redshift lets every user create tables in public; nothing but the deploy (the admin) does, and the dashboards'
  // password user must not
  'REVOKE CREATE ON SCHEMA public FROM PUBLIC',
  `GRANT USAGE ON SCHEMA public TO ROLE ${LOADER_DB_ROLE}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ROLE ${LOADER_DB_ROLE}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ROLE ${LOADER_DB_ROLE}`,
  `GRANT USAGE ON SCHEMA public TO ROLE ${READER_DB_ROLE}`,
  `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ROLE ${READER_DB_ROLE}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ROLE ${READER_DB_ROLE}`,
];

/**
 * The dashboard role reads exactly `relations` (the tables and views the QuickSight data sets read): what it had is
 * revoked and granted again in the same batch (one transaction), so a relation no data set reads any more loses it
 * and the dashboards never see a gap. No default privileges: a new table is readable once a data set reads it.
 */
export function dashboardGrantStatements(relations: readonly string[]): string[] {
  if (relations.length === 0) throw new RangeError('the dashboard data sets read no warehouse relation');
  for (const r of relations) if (!/^[a-z_][a-z0-9_]*$/.test(r)) throw new RangeError(`relation "${r}" is not a plain lower-case name`);
  return [
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ROLE ${DASHBOARD_DB_ROLE}`,
    `GRANT USAGE ON SCHEMA public TO ROLE ${DASHBOARD_DB_ROLE}`,
    `GRANT SELECT ON ${relations.join(', ')} TO ROLE ${DASHBOARD_DB_ROLE}`,
  ];
}

/** Gives an IAM role's Data API sessions the loader database role. */
export function tagAsWarehouseLoader(role: iam.IRole): void {
  Tags.of(role).add('RedshiftDbRoles', LOADER_DB_ROLE);
}
