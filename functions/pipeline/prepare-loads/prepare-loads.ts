import type { CommitResult, LoadsResult } from '../../lib/pipeline/state';
import { readSql } from '../../lib/sql-files';
import { settingsFromEnv } from '../../lib/pipeline/pipeline-settings';
import { buildDerivedStatements, buildLoadStatements, type CopySource, type ReferenceLoad } from '../../lib/warehouse/load-statements';
import { splitSqlStatements } from '../../lib/warehouse/sql-text';
import { ConfigurationError } from '../../lib/errors';

export const DEFAULT_CURATED_BUCKET = 'local-curated';
export const DEFAULT_COPY_ROLE = 'arn:aws:iam::000000000000:role/local-copy';

/** The single statement of an Athena view file, without comments or the final semicolon. */
export function athenaStatement(file: string): string {
  const statements = splitSqlStatements(readSql(file));
  if (statements.length !== 1) throw new ConfigurationError(`sql/${file} must hold exactly one statement, found ${statements.length}`);
  return statements[0];
}

/** Where Redshift COPYs from: the curated bucket (which also holds reference/) from BUCKET_CURATED, the role
 * from REDSHIFT_COPY_ROLE_ARN (locally the defaults above, which the DuckDB warehouse maps to the lake folder). */
export function copySourceFromEnv(env: NodeJS.ProcessEnv = process.env): CopySource {
  return { bucket: env.BUCKET_CURATED || DEFAULT_CURATED_BUCKET, role: env.REDSHIFT_COPY_ROLE_ARN || DEFAULT_COPY_ROLE };
}

/**
 * Renders the Athena refresh, the warehouse load and the derived tables' refresh for a committed batch. Pure: the state machine runs the
 * statements (Athena, Redshift Data API), locally mapped to DuckDB. `reference` says whether the lake has the
 * exchange rates file (the step looks, see ./index.ts); by default it has none, and the reporting currency is
 * REPORTING_CURRENCY of `env`.
 */
export function prepareLoads(
  commit: { affectedDates: Partial<CommitResult['affectedDates']> },
  env: NodeJS.ProcessEnv = process.env,
  reference: ReferenceLoad = { reportingCurrency: settingsFromEnv(env).reportingCurrency, exchangeRates: false },
): LoadsResult {
  const plan = buildLoadStatements(commit.affectedDates, copySourceFromEnv(env), reference);
  return {
    athenaRefreshSql: athenaStatement('athena/views/daily_store_sales.sql'),
    redshiftSqls: plan.statements,
    redshiftDerivedSqls: buildDerivedStatements(),
    prefixLevel: plan.prefixLevel,
  };
}
