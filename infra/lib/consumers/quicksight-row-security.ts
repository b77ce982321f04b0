import { ConfigurationError } from '../../../functions/lib/errors';
import { managerRlsRows, type ManagerIdentity, type StoreManager } from '../../../functions/lib/reference/store-managers';

/**
 * One row of QuickSight's row-level-security data set: a user or a group, and a store it sees (no store: every
 * store). GRANT_ACCESS rules: a user with no row sees no rows at all.
 */
export interface StoreRowRule {
  readonly userArn?: string;
  readonly groupArn?: string;
  readonly storeId?: string;
}

/** Store ids go into SQL literals: the same characters the Lake Formation row filters accept. */
const STORE_ID = /^[A-Za-z0-9_-]+$/;
/** QuickSight user and group ARNs, which go into SQL literals too. */
const QUICKSIGHT_PRINCIPAL = /^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/[\w+=,.@/-]+$/;

/** QuickSight's limit on a custom SQL query's length. */
export const CUSTOM_SQL_MAX_CHARS = 168_000;

/**
 * The rules the dashboards' data sets are filtered by: the owner principal (executives) sees every store; each
 * manager identity with a QuickSight user sees the stores the mapping gives that e-mail (managerRlsRows).
 */
export function storeRowRules(ownerArn: string, identities: readonly ManagerIdentity[], managers: readonly StoreManager[]): StoreRowRule[] {
  const principal = (arn: string, what: string): string => {
    if (!QUICKSIGHT_PRINCIPAL.test(arn)) throw new ConfigurationError(`${what} "${arn}" is not a QuickSight user or group ARN (arn:aws:quicksight:<region>:<account>:user/<namespace>/<name>)`);
    return arn;
  };
  const owner: StoreRowRule = /:group\//.test(principal(ownerArn, 'consumers.quicksight.principalArn')) ? { groupArn: ownerArn } : { userArn: ownerArn };
  const managerRules = managerRlsRows(managers, identities).map(({ userArn, storeId }): StoreRowRule => {
    if (!STORE_ID.test(storeId)) throw new ConfigurationError(`store id "${storeId}" cannot go into the QuickSight row-level-security query`);
    return { userArn: principal(userArn, 'consumers.managerIdentities quickSightUserArn'), storeId };
  });
  return [owner, ...managerRules];
}

/** The physical columns of the rules query (Redshift folds result column names to lower case). */
export const RULE_COLUMNS = { user: 'user_arn', group: 'group_arn' } as const;
/** The field names QuickSight's row-level security looks for, which the data set renames the physical columns to. */
export const RULE_FIELDS = { user: 'UserARN', group: 'GroupARN' } as const;

const literal = (value: string | undefined, width: number): string => `CAST(${value === undefined ? 'NULL' : `'${value}'`} AS VARCHAR(${width}))`;

/**
 * The rules as a query over no table (Redshift: a UNION ALL of literal rows), with the store in `storeColumn`, the
 * name of the column it restricts in the dashboards' data sets.
 */
export function storeRowRulesSql(rules: readonly StoreRowRule[], storeColumn: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(storeColumn)) throw new ConfigurationError(`store column "${storeColumn}" is not a plain lower-case column name`);
  const sql = rules
    .map((r) => `SELECT ${literal(r.userArn, 2048)} AS ${RULE_COLUMNS.user}, ${literal(r.groupArn, 2048)} AS ${RULE_COLUMNS.group}, ${literal(r.storeId, 64)} AS ${storeColumn}`)
    .join('\nUNION ALL ');
  if (sql.length > CUSTOM_SQL_MAX_CHARS) {
    throw new ConfigurationError(`the QuickSight row-level-security query for ${rules.length} rules has ${sql.length} characters; QuickSight takes at most ${CUSTOM_SQL_MAX_CHARS}`);
  }
  return sql;
}
