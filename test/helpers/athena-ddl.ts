/** The parts of a generated `CREATE EXTERNAL TABLE` the tests compare with the catalog and the local engine. */
export interface ParsedAthenaDdl {
  table: string;
  columns: [string, string][];
  partition: [string, string] | null;
  location: string;
  properties: Record<string, string>;
}

export function parseAthenaDdl(sql: string): ParsedAthenaDdl {
  const create = /CREATE EXTERNAL TABLE IF NOT EXISTS \{\{database\}\}\.(\w+) \(\n([\s\S]*?)\n\)/.exec(sql);
  if (!create) throw new Error(`not a CREATE EXTERNAL TABLE: ${sql.slice(0, 80)}`);
  const columns = create[2].split(',\n').map((l) => l.trim().split(/\s+/) as [string, string]);
  const partition = /PARTITIONED BY \((\w+) (\w+)\)/.exec(sql);
  const properties = Object.fromEntries([...sql.matchAll(/'([\w.]+)' = '([^']*)'/g)].map((m) => [m[1], m[2]]));
  return { table: create[1], columns, partition: partition ? [partition[1], partition[2]] : null, location: /LOCATION '([^']+)'/.exec(sql)?.[1] ?? '', properties };
}
