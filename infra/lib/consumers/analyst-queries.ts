import { readdirSync, readFileSync } from 'node:fs';
import * as athena from 'aws-cdk-lib/aws-athena';
import { Construct } from 'constructs';
import { parseNamedQuery, renderNamedQuery, type NamedQuery } from '../../../functions/lib/athena/named-queries';
import { athenaTableDdl, LAKE_TABLES } from '../../../functions/lib/lake-tables';
import { renderSql } from '../../../functions/lib/sql-files';
import { projectPath } from '../common/paths';
import type { AthenaWorkgroup } from '../common/athena-workgroup';

export interface NamedSql {
  /** file name without .sql */
  name: string;
  /** folder under sql/athena/ ('tables': generated, see athenaTableSql) */
  folder: 'tables' | 'queries' | 'views';
  /** the first comment paragraph */
  description: string;
  sql: string;
}

/** The SQL files of sql/athena/<folder>/, with the description taken from their leading comment. */
export function readAthenaSql(folder: Exclude<NamedSql['folder'], 'tables'>): NamedSql[] {
  const dir = projectPath('sql', 'athena', folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8');
      const comment = sql
        .split('\n')
        .filter((l) => l.startsWith('--'))
        .map((l) => l.replace(/^--\s?/, ''))
        .join(' ')
        .trim();
      return { name: file.replace(/\.sql$/, ''), folder, description: comment, sql };
    });
}

/** The DDL of the lake's tables, generated from the schema the Glue catalog is built from. */
export function athenaTableSql(): NamedSql[] {
  return LAKE_TABLES.map((t) => ({ name: t.name, folder: 'tables', description: t.description, sql: athenaTableDdl(t) }));
}

/** A named query's description with its parameters, whose defaults the saved query holds (edit them there). */
function describeNamedQuery(q: NamedQuery): string {
  if (q.params.length === 0) return q.description;
  return `${q.description} Parameters (defaults filled in): ${q.params.map((p) => `${p.name}: ${p.description}`).join('; ')}.`;
}

export interface AnalystQueriesProps {
  /** the workgroup the named queries belong to */
  readonly workgroup: AthenaWorkgroup;
  /** the Glue database the queries run against */
  readonly database: string;
  /**
   * values of the {{...}} placeholders of the table DDL, besides {{database}}
   * @default - none
   */
  readonly placeholders?: Record<string, string>;
}

/**
 * Athena named queries in the analysts' workgroup: the analyst queries and the views the pipeline refreshes
 * (sql/athena/), and the table DDL (to re-create a table by hand; the catalog itself comes from CDK).
 */
export class AnalystQueries extends Construct {
  readonly queries: athena.CfnNamedQuery[] = [];

  constructor(scope: Construct, id: string, props: AnalystQueriesProps) {
    super(scope, id);
    for (const q of [...readAthenaSql('queries'), ...readAthenaSql('views'), ...athenaTableSql()]) {
      // an analyst query's parameters take their defaults (no pinned dates): the saved query runs as it is
      const named = q.folder === 'queries' ? parseNamedQuery(q.name, q.sql) : undefined;
      const sql = named ? renderNamedQuery(named) : q.sql;
      const query = new athena.CfnNamedQuery(this, `${q.folder}-${q.name}`, {
        name: `${q.folder === 'queries' ? '' : `${q.folder}/`}${q.name}`,
        description: (named ? describeNamedQuery(named) : q.description).slice(0, 1024),
        database: props.database,
        workGroup: props.workgroup.name,
        queryString: renderSql(sql, { database: props.database, ...props.placeholders }),
      });
      query.node.addDependency(props.workgroup.workgroup);
      this.queries.push(query);
    }
  }
}
