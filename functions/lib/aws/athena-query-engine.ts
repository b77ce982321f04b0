import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type ColumnInfo,
  type Datum,
} from '@aws-sdk/client-athena';
import { RetailLakeError, TransientError } from '../errors';
import type { QueryEngine, Row } from '../ports';
import { DEFAULT_POLL, pollUntil, type PollOptions } from './poll';
import { awsCall } from './sdk-errors';

export interface AthenaTarget {
  workGroup: string;
  database: string;
}

const NUMERIC_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint', 'double', 'float', 'real', 'decimal']);

/** One Athena result cell (always text, or absent for NULL) as a plain value. */
export function datumValue(datum: Datum | undefined, column: ColumnInfo | undefined): unknown {
  const text = datum?.VarCharValue;
  if (text === undefined) return null;
  const type = (column?.Type ?? '').toLowerCase();
  if (NUMERIC_TYPES.has(type)) return Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}

/** Analyst SQL over the curated tables through Athena (results go where the workgroup enforces). */
export class AthenaQueryEngine implements QueryEngine {
  constructor(
    private readonly athena: AthenaClient,
    private readonly target: AthenaTarget,
    private readonly poll: PollOptions = DEFAULT_POLL,
  ) {}

  async query(sql: string): Promise<Row[]> {
    const started = await awsCall('Athena StartQueryExecution', () =>
      this.athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: this.target.workGroup,
          QueryExecutionContext: { Database: this.target.database },
        }),
      ),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new RetailLakeError('Athena: StartQueryExecution returned no query execution id');
    await pollUntil(
      `Athena query ${id}`,
      async () => {
        const out = await awsCall(`Athena GetQueryExecution ${id}`, () => this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })));
        const status = out.QueryExecution?.Status;
        const state = status?.State;
        if (state === 'SUCCEEDED') return { done: true, value: undefined };
        if (state === 'FAILED' || state === 'CANCELLED') {
          const reason = status?.AthenaError?.ErrorMessage ?? status?.StateChangeReason ?? 'no reason given';
          // Athena says whether the failure was its own (Retryable) or the query's
          const Kind = status?.AthenaError?.Retryable ? TransientError : RetailLakeError;
          throw new Kind(`Athena query ${id} ${state}: ${reason}`);
        }
        return { done: false };
      },
      this.poll,
    );

    const rows: Row[] = [];
    let columns: ColumnInfo[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await awsCall(`Athena GetQueryResults ${id}`, () => this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token })));
      if (page.ResultSet?.ResultSetMetadata?.ColumnInfo) columns = page.ResultSet.ResultSetMetadata.ColumnInfo;
      let data = page.ResultSet?.Rows ?? [];
      // A SELECT's first result row repeats the column names.
      if (first && data.length > 0 && isHeader(data[0].Data ?? [], columns)) data = data.slice(1);
      first = false;
      for (const r of data) {
        const row: Row = {};
        columns.forEach((column, i) => {
          row[column.Name ?? `col${i}`] = datumValue(r.Data?.[i], column);
        });
        rows.push(row);
      }
      token = page.NextToken;
    } while (token);
    return rows;
  }
}

function isHeader(data: Datum[], columns: ColumnInfo[]): boolean {
  return columns.length > 0 && columns.every((c, i) => data[i]?.VarCharValue === c.Name);
}
