import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../errors';
import type { Warehouse } from '../ports';
import { readSql, sqlRoot } from '../sql-files';
import { DATA_API_BATCH_LIMIT } from './load-statements';
import { splitSqlStatements } from './sql-text';

/**
 * Numbered warehouse migrations (sql/redshift/migrations/NNNN_name.sql) and the one runner both faces use: the
 * deploy custom resource (infra/functions/apply-warehouse-ddl, as the admin) and the local warehouse when it
 * opens. DDL lives here and only here; the pipeline's loads and stock risk send DML only, because the pipeline's
 * database role owns nothing (Redshift lets only an owner alter or replace a relation).
 */
export interface Migration {
  /** 1, 2, 3, ... from the file name's number */
  version: number;
  /** the file name without `.sql`, e.g. `0001_initial` */
  name: string;
  statements: string[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const LEDGER_FILE = 'redshift/schema_migrations.sql';
export const MIGRATIONS_FOLDER = 'redshift/migrations';

/** The statements that create the ledger table (idempotent), run before any migration. */
export function ledgerStatements(): string[] {
  return splitSqlStatements(readSql(LEDGER_FILE));
}

/** Checks a list of migrations: versions 1..n in order, names from the file convention, each fits one batch. */
export function checkMigrations(migrations: Migration[]): Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new ConfigurationError(`warehouse migration ${m.name}: expected version ${i + 1}, got ${m.version} (numbers run 0001, 0002, ... without gaps)`);
    if (!FILE_NAME.test(`${m.name}.sql`) || Number(m.name.slice(0, 4)) !== m.version) throw new ConfigurationError(`warehouse migration "${m.name}" is not named NNNN_lower_case_words`);
    if (m.statements.length === 0) throw new ConfigurationError(`warehouse migration ${m.name} holds no statement`);
    // one Data API batch is one transaction; the ledger row takes one entry of it
    if (m.statements.length > DATA_API_BATCH_LIMIT - 1) throw new ConfigurationError(`warehouse migration ${m.name} has ${m.statements.length} statements; split it (at most ${DATA_API_BATCH_LIMIT - 1} fit one transaction)`);
  });
  return migrations;
}

/** The migrations of `folder` (default sql/redshift/migrations/), in version order, checked. */
export function readMigrations(folder = join(sqlRoot(), MIGRATIONS_FOLDER)): Migration[] {
  const migrations = readdirSync(folder)
    .sort()
    .map((file) => {
      const m = FILE_NAME.exec(file);
      if (!m) throw new ConfigurationError(`${join(folder, file)} is not a migration file name (NNNN_lower_case_words.sql)`);
      return { version: Number(m[1]), name: file.slice(0, -'.sql'.length), statements: splitSqlStatements(readFileSync(join(folder, file), 'utf8')) };
    });
  return checkMigrations(migrations);
}

/** The ledger row of a migration, written in the migration's own transaction. */
function ledgerRow(m: Migration): string {
  return `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, '${m.name}', GETDATE())`;
}

/**
 * Brings the warehouse up to the latest migration: creates the ledger if missing, then applies each migration it
 * does not list, in order, each with its ledger row in one transaction (a failed migration leaves no trace and
 * stops the run). Running it again applies nothing. A version the ledger lists but `migrations` lacks (a newer
 * warehouse, e.g. a deploy rolled back) is left alone: migrations only add, so older code still works on it.
 * Returns the versions applied.
 */
export async function applyMigrations(warehouse: Warehouse, migrations: Migration[], ledger: string[] = ledgerStatements()): Promise<number[]> {
  checkMigrations(migrations);
  await warehouse.execute(ledger);
  const applied = new Set((await warehouse.query('SELECT version FROM schema_migrations')).map((r) => Number(r.version)));
  const pending = migrations.filter((m) => !applied.has(m.version));
  for (const m of pending) await warehouse.execute([...m.statements, ledgerRow(m)]);
  return pending.map((m) => m.version);
}
