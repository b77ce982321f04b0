import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type ColumnMetadata,
  type DescribeStatementResponse,
  type Field,
} from '@aws-sdk/client-redshift-data';
import { RetailLakeError } from '../errors';
import type { Row, Warehouse } from '../ports';
import { DEFAULT_POLL, pollUntil, type PollOptions } from './poll';
import { awsCall } from './sdk-errors';

export interface RedshiftTarget {
  workgroupName: string;
  database: string;
  /** run as the user of this Secrets Manager secret (name or ARN) instead of the caller's IAM identity */
  secretArn?: string;
}

/** BatchExecuteStatement takes at most 40 statements; longer lists run as consecutive batches. */
export const MAX_BATCH_STATEMENTS = 40;

/** Redshift types the Data API returns as strings although they are numbers (DECIMAL is exact: a string). */
const NUMERIC_TYPES = new Set(['numeric', 'decimal', 'int8', 'bigint']);

/** One Data API field as a plain value: numbers as numbers, NULL as null. */
export function fieldValue(field: Field, column: ColumnMetadata | undefined): unknown {
  if (field.isNull) return null;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.stringValue !== undefined) {
    const type = (column?.typeName ?? '').toLowerCase();
    return NUMERIC_TYPES.has(type) ? Number(field.stringValue) : field.stringValue;
  }
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue).toString('base64');
  return null;
}

/** The star-schema warehouse through the Redshift Data API (no VPC access or drivers needed). */
export class RedshiftDataWarehouse implements Warehouse {
  constructor(
    private readonly client: RedshiftDataClient,
    private readonly target: RedshiftTarget,
    private readonly poll: PollOptions = DEFAULT_POLL,
  ) {}

  /** Runs the statements in order; each batch of up to 40 is one transaction, and one session, on the Redshift side
   * (a load's temporary staging tables live as long as its batch: buildLoadStatements keeps a load within one). */
  async execute(statements: string[]): Promise<void> {
    for (let i = 0; i < statements.length; i += MAX_BATCH_STATEMENTS) {
      const sqls = statements.slice(i, i + MAX_BATCH_STATEMENTS);
      const out = await awsCall('Redshift Data API BatchExecuteStatement', () =>
        this.client.send(
          new BatchExecuteStatementCommand({
            WorkgroupName: this.target.workgroupName,
            Database: this.target.database,
            SecretArn: this.target.secretArn,
            Sqls: sqls,
            StatementName: 'retail-lake',
          }),
        ),
      );
      await this.waitFor(out.Id, `batch of ${sqls.length} statement(s) starting "${preview(sqls[0])}"`);
    }
  }

  async query(sql: string): Promise<Row[]> {
    const out = await awsCall('Redshift Data API ExecuteStatement', () =>
      this.client.send(
        new ExecuteStatementCommand({
          WorkgroupName: this.target.workgroupName,
          Database: this.target.database,
          SecretArn: this.target.secretArn,
          Sql: sql,
        }),
      ),
    );
    const statement = await this.waitFor(out.Id, `query "${preview(sql)}"`);
    if (!statement.HasResultSet) return [];
    const rows: Row[] = [];
    let columns: ColumnMetadata[] = [];
    let token: string | undefined;
    do {
      const page = await awsCall(`Redshift Data API GetStatementResult ${statement.Id}`, () =>
        this.client.send(new GetStatementResultCommand({ Id: statement.Id, NextToken: token })),
      );
      if (page.ColumnMetadata?.length) columns = page.ColumnMetadata;
      for (const record of page.Records ?? []) {
        const row: Row = {};
        record.forEach((field, i) => {
          row[columns[i]?.name ?? `col${i}`] = fieldValue(field, columns[i]);
        });
        rows.push(row);
      }
      token = page.NextToken;
    } while (token);
    return rows;
  }

  private async waitFor(id: string | undefined, what: string): Promise<DescribeStatementResponse> {
    if (!id) throw new RetailLakeError(`Redshift Data API: ${what}: no statement id returned`);
    return pollUntil<DescribeStatementResponse>(
      `Redshift Data API ${what} (${id})`,
      async () => {
        const d = await awsCall(`Redshift Data API DescribeStatement ${id}`, () => this.client.send(new DescribeStatementCommand({ Id: id })));
        if (d.Status === 'FINISHED') return { done: true, value: d };
        if (d.Status === 'FAILED' || d.Status === 'ABORTED') {
          const failed = d.SubStatements?.find((s) => s.Status === 'FAILED' || s.Status === 'ABORTED');
          const where = failed ? ` at statement "${preview(failed.QueryString ?? '')}"` : '';
          throw new RetailLakeError(`Redshift Data API: ${what} ${d.Status}${where}: ${failed?.Error ?? d.Error ?? 'no error message'}`);
        }
        return { done: false };
      },
      this.poll,
    );
  }
}

function preview(sql: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > 60 ? `${oneLine.slice(0, 57)}...` : oneLine;
}
