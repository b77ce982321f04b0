import { createHash } from 'node:crypto';
import { DefaultStackSynthesizer, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConfigurationError } from '../../../functions/lib/errors';
import { CURATED_PREFIX } from '../../../functions/lib/lake-layout';
import { LAKE_TABLES } from '../../../functions/lib/lake-tables';
import { managedStoreIds, type ManagerIdentity, type StoreManager } from '../../../functions/lib/reference/store-managers';
import { acknowledgeWildcards } from '../common/iam-findings';

/** The curated bucket's Parquet tables with a store_id column, which a store filter applies to (a new one is
 * filtered too; the bucket is the one registered with Lake Formation). */
export const STORE_FILTERED_TABLES: readonly string[] = LAKE_TABLES.filter((t) => t.format === 'parquet' && t.bucket === 'curated' && t.columns.some(([c]) => c === 'store_id')).map((t) => t.name);

/** Lake Formation's PartiQL row filter for a set of stores. */
export function storeRowFilter(storeIds: readonly string[]): string {
  for (const id of storeIds) if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new ConfigurationError(`store id "${id}" cannot go into a row filter`);
  return `store_id IN (${storeIds.map((id) => `'${id}'`).join(', ')})`;
}

/** A principal that may query the curated tables in Athena, limited to the rows of some stores (Lake Formation). */
export interface StoreAccessGrant {
  /** short name, used for the data-cells filter name */
  readonly name: string;
  /** the IAM principal granted SELECT through the filters */
  readonly principalArn: string;
  /** the stores whose rows the principal sees */
  readonly storeIds: readonly string[];
}

/**
 * The filter name of a manager: the e-mail's letters and digits (readable in the console) and a hash of the e-mail,
 * so that two e-mails that read the same (a.b@x.io, a-b@x.io) never share a filter.
 */
export function managerFilterName(email: string): string {
  // at most 64 + 9 characters, so that `<name>-<table>` stays well inside a filter name's 255
  const readable = email.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 64).replace(/^-|-$/g, '');
  return `${readable}-${createHash('sha256').update(email).digest('hex').slice(0, 8)}`;
}

/** One grant per manager identity with an IAM principal, limited to the manager's stores in the mapping. */
export function storeAccessGrants(managers: readonly StoreManager[], identities: readonly ManagerIdentity[]): StoreAccessGrant[] {
  return identities.flatMap(({ email, iamPrincipalArn }) =>
    iamPrincipalArn === undefined ? [] : [{ name: managerFilterName(email), principalArn: iamPrincipalArn, storeIds: managedStoreIds(managers, email) }],
  );
}

export interface StoreAccessProps {
  /** the Glue database of the curated tables */
  readonly database: string;
  /** the bucket of curated/, registered with Lake Formation */
  readonly curated: s3.IBucket;
  /** the lake key, which Lake Formation decrypts curated/ with */
  readonly key: kms.IKey;
  /**
   * the principals limited to some stores' rows
   * @default - none
   */
  readonly grants?: readonly StoreAccessGrant[];
  /**
   * principals made Lake Formation admins besides the CDK deployment role
   * @default - none
   */
  readonly admins?: readonly string[];
}

/**
 * Row-level security for store managers in Athena: the curated/ location is registered with Lake Formation in hybrid
 * access mode (IAM access of the pipeline keeps working), and each configured principal gets SELECT through a
 * data-cells filter `store_id IN (...)` on the store-keyed tables, all columns, plus DESCRIBE on the database.
 * Hybrid mode applies Lake Formation permissions only to principals opted in (docs/deploy.md has the one command).
 */
export class StoreAccess extends Construct {
  readonly settings: lakeformation.CfnDataLakeSettings;
  readonly location: lakeformation.CfnResource;
  readonly filters: lakeformation.CfnDataCellsFilter[] = [];
  readonly dataAccessRole: iam.Role;

  constructor(scope: Construct, id: string, props: StoreAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const synthesizer = stack.synthesizer;
    const deployRole = synthesizer instanceof DefaultStackSynthesizer ? [Fn.sub(synthesizer.cloudFormationExecutionRoleArn)] : [];

    // APPEND: adds admins to the account's settings instead of replacing what is there.
    this.settings = new lakeformation.CfnDataLakeSettings(this, 'Settings', {
      mutationType: 'APPEND',
      admins: [...deployRole, ...(props.admins ?? [])].map((dataLakePrincipalIdentifier) => ({ dataLakePrincipalIdentifier })),
    });

    this.dataAccessRole = new iam.Role(this, 'DataAccessRole', {
      assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com'),
      description: 'Lake Formation reads the curated zone on behalf of filtered principals',
    });
    props.curated.grantRead(this.dataAccessRole, `${CURATED_PREFIX}*`);
    props.key.grantDecrypt(this.dataAccessRole);
    acknowledgeWildcards(this.dataAccessRole, 'lakeObjects', {
      resources: [props.curated.arnForObjects(`${CURATED_PREFIX}*`)],
      actions: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
    });

    this.location = new lakeformation.CfnResource(this, 'CuratedLocation', {
      resourceArn: props.curated.arnForObjects(CURATED_PREFIX.replace(/\/$/, '')),
      useServiceLinkedRole: false,
      roleArn: this.dataAccessRole.roleArn,
      hybridAccessEnabled: true,
    });
    this.location.node.addDependency(this.settings);

    for (const grant of props.grants ?? []) {
      const principal = { dataLakePrincipalIdentifier: grant.principalArn };
      const describe = new lakeformation.CfnPrincipalPermissions(this, `${grant.name}-database`, {
        principal,
        resource: { database: { catalogId: stack.account, name: props.database } },
        permissions: ['DESCRIBE'],
        permissionsWithGrantOption: [],
      });
      describe.node.addDependency(this.settings);
      for (const table of STORE_FILTERED_TABLES) {
        const filter = new lakeformation.CfnDataCellsFilter(this, `${grant.name}-${table}`, {
          tableCatalogId: stack.account,
          databaseName: props.database,
          tableName: table,
          name: `${grant.name}-${table}`,
          rowFilter: { filterExpression: storeRowFilter(grant.storeIds) },
          columnWildcard: { excludedColumnNames: [] },
        });
        filter.node.addDependency(this.settings);
        this.filters.push(filter);
        const select = new lakeformation.CfnPrincipalPermissions(this, `${grant.name}-${table}-select`, {
          principal,
          resource: { dataCellsFilter: { tableCatalogId: stack.account, databaseName: props.database, tableName: table, name: filter.name } },
          permissions: ['SELECT'],
          permissionsWithGrantOption: [],
        });
        select.node.addDependency(filter);
      }
    }
  }
}
