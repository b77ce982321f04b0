import { createHash } from 'node:crypto';
import { ledgerStatements, readMigrations, type Migration } from '../../../functions/lib/warehouse/migrations';
import { CREATE_DB_ROLES, GRANT_STATEMENTS } from './warehouse-access';

/**
 * What the warehouse DDL custom resource applies (infra/functions/apply-warehouse-ddl), rendered at synth from
 * sql/redshift/ so the handler needs no SQL files: the database roles, the migration ledger, every migration,
 * then the grants. A new migration changes these properties, so CloudFormation updates the resource and the
 * handler applies it; the handler skips the migrations the warehouse's ledger already lists.
 */
export interface WarehouseDdlProperties {
  /** CREATE ROLE statements, run one by one; "already exists" is not an error (CREATE ROLE has no IF NOT EXISTS) */
  CreateIfMissing: string[];
  /** the statements that create the ledger table schema_migrations (idempotent) */
  MigrationLedger: string[];
  /** sql/redshift/migrations/, in version order (CloudFormation passes `version` to the handler as a string) */
  Migrations: Migration[];
  /** run after the migrations, every time: grants on every table, including those a migration just created */
  Statements: string[];
}

export function warehouseDdlProperties(): WarehouseDdlProperties {
  return { CreateIfMissing: CREATE_DB_ROLES, MigrationLedger: ledgerStatements(), Migrations: readMigrations(), Statements: GRANT_STATEMENTS };
}

/** A digest of the properties, shown in the template: a changed migration or grant shows up as a changed hash. */
export function warehouseDdlHash(properties: WarehouseDdlProperties): string {
  return createHash('sha256').update(JSON.stringify(properties)).digest('hex');
}
