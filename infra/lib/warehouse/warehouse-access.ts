import type * as iam from 'aws-cdk-lib/aws-iam';
import { Tags } from 'aws-cdk-lib';

/**
 * Database roles of the warehouse. The pipeline's IAM roles reach Redshift through the Data API with their own
 * identity (user `IAMR:<role>`); the `RedshiftDbRoles` principal tag grants that user these database roles at login.
 */
export const LOADER_DB_ROLE = 'retail_lake_loader';
export const READER_DB_ROLE = 'retail_lake_reader';

/** Created one by one (an existing role is not an error), before the grants. */
export const CREATE_DB_ROLES = [`CREATE ROLE ${LOADER_DB_ROLE}`, `CREATE ROLE ${READER_DB_ROLE}`];

/** After the schema: what the loads (COPY, DELETE, INSERT), stock risk and reconciliation need, and read-only. */
export const GRANT_STATEMENTS = [
  `GRANT USAGE ON SCHEMA public TO ROLE ${LOADER_DB_ROLE}`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ROLE ${LOADER_DB_ROLE}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ROLE ${LOADER_DB_ROLE}`,
  `GRANT USAGE ON SCHEMA public TO ROLE ${READER_DB_ROLE}`,
  `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ROLE ${READER_DB_ROLE}`,
  `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ROLE ${READER_DB_ROLE}`,
];

/** Gives an IAM role's Data API sessions the loader database role. */
export function tagAsWarehouseLoader(role: iam.IRole): void {
  Tags.of(role).add('RedshiftDbRoles', LOADER_DB_ROLE);
}
