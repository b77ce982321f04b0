import { createHash } from 'node:crypto';
import { ledgerStatements, readMigrations, type Migration } from '../../../functions/lib/warehouse/migrations';
import { QUICKSIGHT_DATASETS } from '../consumers/quicksight-datasets';
import { relationsRead, warehouseRelations } from './dashboard-relations';
import { CREATE_DB_ROLES, DASHBOARD_DB_ROLE, dashboardGrantStatements, GRANT_STATEMENTS } from './warehouse-access';

/**
 * What the warehouse DDL custom resource applies (infra/functions/apply-warehouse-ddl), rendered at synth from
 * sql/redshift/ so the handler needs no SQL files: the database roles, the migration ledger, every migration,
 * then the grants, then (when QuickSight is on) its password user. A new migration changes these properties, so
 * CloudFormation updates the resource and the handler applies it; the handler skips the migrations the
 * warehouse's ledger already lists.
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
  /** QuickSight's database user, created or given the secret's password, then the dashboard role */
  DashboardUser?: DashboardUserProperties;
}

/** Where the handler finds QuickSight's user: never the password itself (the template and the events would show it). */
export interface DashboardUserProperties {
  /** the user name; the secret's `username` must be the same */
  Username: string;
  /** the secret holding `{ username, password }` */
  SecretArn: string;
  /** the database role the user is granted */
  Role: string;
  /** change it to make CloudFormation run the handler again after the secret's password was changed by hand */
  PasswordRevision: string;
}

/** The tables and views the QuickSight data sets read (the row-level-security rules are literal rows: none). */
export function dashboardRelations(migrations: readonly Migration[] = readMigrations()): string[] {
  return relationsRead(
    QUICKSIGHT_DATASETS.map((d) => d.sql),
    warehouseRelations(migrations),
  );
}

export interface WarehouseDdlOptions {
  /** QuickSight's user (when QuickSight is on) */
  dashboardUser?: Omit<DashboardUserProperties, 'Role'>;
  /** the migrations to apply (the grants cover the relations they leave) */
  migrations?: Migration[];
}

export function warehouseDdlProperties({ dashboardUser, migrations = readMigrations() }: WarehouseDdlOptions = {}): WarehouseDdlProperties {
  return {
    CreateIfMissing: CREATE_DB_ROLES,
    MigrationLedger: ledgerStatements(),
    Migrations: migrations,
    Statements: [...GRANT_STATEMENTS, ...dashboardGrantStatements(dashboardRelations(migrations))],
    ...(dashboardUser ? { DashboardUser: { ...dashboardUser, Role: DASHBOARD_DB_ROLE } } : {}),
  };
}

/**
 * A digest of the properties, shown in the template: a changed migration or grant shows up as a changed hash. The
 * secret's ARN is left out: at synth it is a CDK token, whose text changes with unrelated code.
 */
export function warehouseDdlHash(properties: WarehouseDdlProperties): string {
  const user = properties.DashboardUser;
  const stable = user ? { ...properties, DashboardUser: { ...user, SecretArn: undefined } } : properties;
  return createHash('sha256').update(JSON.stringify(stable)).digest('hex');
}
