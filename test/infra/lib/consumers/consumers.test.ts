import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DASHBOARDS, DATASETS } from '../../../../dashboards';
import { athenaTableSql, readAthenaSql } from '../../../../infra/lib/consumers/analyst-queries';
import { storesOfManager } from '../../../../functions/lib/reference/store-managers';
import { parseStoresCsv } from '../../../../functions/lib/reference/reference-data';
import { managerFilterName, STORE_FILTERED_TABLES, storeRowFilter } from '../../../../infra/lib/consumers/store-access';
import { PROJECT_ROOT } from '../../../../infra/lib/common/paths';
import { QUICKSIGHT_SECRETS_ROLE_NAME } from '../../../../infra/lib/consumers/quicksight-warehouse';
import { DASHBOARD_DB_ROLE, DASHBOARD_DB_USER } from '../../../../infra/lib/warehouse/warehouse-access';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

const MANAGER_ROLE = 'arn:aws:iam::123456789012:role/store-manager-central';
/** manages S003 and S004 in infra/config/stores.sample.csv, the dev stage's storesCsv */
const CENTRAL = 'manager.central@chicago.stores.example.com';
const EXECUTIVES = 'arn:aws:quicksight:eu-west-1:123456789012:group/default/executives';
/** CENTRAL's QuickSight user */
const MANAGER_USER = 'arn:aws:quicksight:eu-west-1:123456789012:user/default/central';

type Json = Record<string, unknown>;

/** The visual ids of a synthesized Definition, in sheet order. */
function visualIdsOf(definition: unknown): string[] {
  const sheets = (definition as { Sheets: { Visuals: Record<string, { VisualId: string }>[] }[] }).Sheets;
  return sheets.flatMap((s) => s.Visuals.map((v) => Object.values(v)[0].VisualId));
}

describe('consumers stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  let warehouse: Template;
  beforeAll(async () => {
    t = await synthesizedStage({
      stage: {
        consumers: {
          managerIdentities: [{ email: CENTRAL, iamPrincipalArn: MANAGER_ROLE, quickSightUserArn: MANAGER_USER }],
          quicksight: { enabled: true, principalArn: EXECUTIVES },
        },
      },
    });
    template = t.templates.consumers;
    warehouse = t.templates.warehouse;
  });

  it('gives analysts a workgroup with enforced settings, KMS-encrypted results and a scan cutoff', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'retail-lake-dev-analysts',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: t.config.consumers.analystBytesScannedCutoffMb * 1024 * 1024,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { OutputLocation: Match.anyValue(), EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() } },
      }),
    });
  });

  it('publishes every file of sql/athena/ and the DDL of every lake table as a named query', () => {
    const files = [...readAthenaSql('queries'), ...readAthenaSql('views'), ...athenaTableSql()];
    const named = resourcesOfType(template, 'AWS::Athena::NamedQuery').map(([, p]) => p);
    expect(named).toHaveLength(files.length);
    expect(named.map((q) => q.Name)).toEqual(expect.arrayContaining(['revenue_by_store_day', 'top_skus', 'basket_size', 'margin_by_category', 'return_rate', 'tables/sales_lines']));
    for (const q of named) {
      expect(q.WorkGroup).toBe('retail-lake-dev-analysts');
      expect(q.Database).toBe(t.config.lake.curatedDatabase);
      expect(JSON.stringify(q.QueryString)).not.toContain('{{');
    }
  });

  it("limits a store manager's principal to their stores' rows with Lake Formation data-cells filters", () => {
    template.hasResourceProperties('AWS::LakeFormation::DataLakeSettings', { MutationType: 'APPEND', Admins: Match.anyValue() });
    template.hasResourceProperties('AWS::LakeFormation::Resource', { HybridAccessEnabled: true, UseServiceLinkedRole: false });
    const name = managerFilterName(CENTRAL);
    expect(name).toMatch(/^manager-central-chicago-stores-example-com-[0-9a-f]{8}$/);
    expect(STORE_FILTERED_TABLES).toEqual(['sales_lines', 'inventory_events', 'purchase_orders', 'store_day_baskets']);
    for (const table of STORE_FILTERED_TABLES) {
      template.hasResourceProperties('AWS::LakeFormation::DataCellsFilter', {
        TableName: table,
        Name: `${name}-${table}`,
        RowFilter: { FilterExpression: "store_id IN ('S003', 'S004')" },
        ColumnWildcard: { ExcludedColumnNames: [] },
      });
      template.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
        Principal: { DataLakePrincipalIdentifier: MANAGER_ROLE },
        Permissions: ['SELECT'],
        Resource: { DataCellsFilter: Match.objectLike({ TableName: table, Name: `${name}-${table}` }) },
      });
    }
    expect(() => storeRowFilter(["S1' OR '1'='1"])).toThrow(/row filter/);
    expect(managerFilterName('a.b@x.io')).not.toBe(managerFilterName('a-b@x.io'));
  });

  it("takes the Lake Formation filters and the low-stock subscriptions from the one mapping, the stores CSV's manager_email", () => {
    const stores = parseStoresCsv(readFileSync(join(PROJECT_ROOT, 'infra/config/stores.sample.csv'), 'utf8')).values();
    const central = storesOfManager(stores, CENTRAL);
    const filters = resourcesOfType(template, 'AWS::LakeFormation::DataCellsFilter').map(([, p]) => p);
    expect(filters).toHaveLength(STORE_FILTERED_TABLES.length);
    for (const f of filters) expect(f.RowFilter).toEqual({ FilterExpression: storeRowFilter(central) });
    const subscriptions = t.nestedTemplates.alerts.flatMap((n) => resourcesOfType(n, 'AWS::SNS::Subscription')).map(([, p]) => p);
    expect(subscriptions.filter((s) => s.Endpoint === CENTRAL).map((s) => s.FilterPolicy)).toEqual([{ store_id: central }]);
  });

  it('connects QuickSight to the warehouse over its VPC connection and TLS, with one dataset per dashboard dataset, SPICE or direct query', () => {
    template.hasResourceProperties('AWS::QuickSight::DataSource', {
      Type: 'REDSHIFT',
      SslProperties: { DisableSsl: false },
      VpcConnectionProperties: { VpcConnectionArn: Match.anyValue() },
      Credentials: { SecretArn: Match.anyValue() },
    });
    const datasets = resourcesOfType(template, 'AWS::QuickSight::DataSet').map(([, p]) => p);
    const dashboardDataSets = datasets.filter((d) => !String(d.DataSetId).includes('-rls-'));
    expect(dashboardDataSets.map((d) => d.DataSetId).sort()).toEqual(DATASETS.map((d) => `retail-lake-dev-${d.name.replace(/_/g, '-')}`).sort());
    // direct query for the data sets marked so (sku_day_sales: too many rows to import), SPICE for the rest and the rules
    const modes = Object.fromEntries(datasets.map((d) => [d.DataSetId, d.ImportMode]));
    const expected = Object.fromEntries(DATASETS.map((d) => [`retail-lake-dev-${d.name.replace(/_/g, '-')}`, d.queryMode === 'direct_query' ? 'DIRECT_QUERY' : 'SPICE']));
    for (const [id, mode] of Object.entries(modes)) expect([id, mode]).toEqual([id, expected[id] ?? 'SPICE']);
    expect(modes['retail-lake-dev-sku-day-sales']).toBe('DIRECT_QUERY');
    expect(Object.values(modes).filter((m) => m === 'SPICE').length).toBeGreaterThan(DATASETS.length / 2);
    // QuickSight's physical table ids: letters, digits and hyphens (CloudFormation rejects the dataset otherwise)
    for (const d of datasets) for (const id of Object.keys(d.PhysicalTableMap as object)) expect(id).toMatch(/^[0-9a-zA-Z-]{1,64}$/);
    // the warehouse lets QuickSight's interfaces in on the Redshift port only
    warehouse.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5439, ToPort: 5439, IpProtocol: 'tcp' });
  });

  describe("QuickSight's read-only warehouse user", () => {
    type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
    const statementsOf = (policy: Json): Statement[] => (policy.PolicyDocument as { Statement: Statement[] }).Statement;
    const secretId = (): string => resourcesOfType(warehouse, 'AWS::SecretsManager::Secret')[0][0];

    it('has a generated password in its own secret, encrypted with the lake key, in the characters Redshift takes', () => {
      const secrets = resourcesOfType(warehouse, 'AWS::SecretsManager::Secret');
      expect(secrets).toHaveLength(1);
      const [, secret] = secrets[0];
      expect(secret.KmsKeyId).toBeDefined();
      const generate = secret.GenerateSecretString as Json;
      expect(generate).toMatchObject({ SecretStringTemplate: JSON.stringify({ username: DASHBOARD_DB_USER }), GenerateStringKey: 'password', RequireEachIncludedType: true, IncludeSpace: false });
      expect(generate.PasswordLength).toBeGreaterThanOrEqual(8);
      expect(generate.PasswordLength).toBeLessThanOrEqual(64);
      for (const c of ["'", '"', '\\', '/', '@', ' ']) expect(String(generate.ExcludeCharacters)).toContain(c);
    });

    it('is made by the DDL custom resource from the secret ARN (never the password) with the dashboards role', () => {
      const [, ddl] = resourcesOfType(warehouse, 'Custom::WarehouseDdl')[0];
      expect(ddl.DashboardUser).toEqual({ Username: DASHBOARD_DB_USER, SecretArn: { Ref: secretId() }, Role: DASHBOARD_DB_ROLE, PasswordRevision: '1' });
      // nothing resolves the secret's value into a template
      for (const tpl of [warehouse, template]) expect(JSON.stringify(tpl.toJSON())).not.toMatch(/resolve:secretsmanager/);
    });

    it('lets only the DDL Lambda read the secret in the warehouse stack (with the admin secret the Data API logs in with)', () => {
      const readers = resourcesOfType(warehouse, 'AWS::IAM::Policy').filter(([, p]) => statementsOf(p).some((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue')));
      expect(readers).toHaveLength(1);
      expect(JSON.stringify(readers[0][1].Roles)).toMatch(/DdlHandlerRole/);
      const resources = statementsOf(readers[0][1])
        .filter((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'))
        .flatMap((st) => [st.Resource].flat());
      expect(resources).toEqual(expect.arrayContaining([{ Ref: secretId() }, { 'Fn::GetAtt': [expect.stringMatching(/AdminSecretLookup/), 'namespace.adminPasswordSecretArn'] }]));
      expect(resources).toHaveLength(2);
    });

    it("is the data source's login, and QuickSight's secrets role may read that secret only, never the admin's", () => {
      const [, source] = resourcesOfType(template, 'AWS::QuickSight::DataSource')[0];
      const credentials = JSON.stringify(source.Credentials);
      expect(credentials).toMatch(/DashboardUserSecret/);
      expect(credentials).not.toMatch(/AdminSecret|adminPasswordSecretArn/);
      const access = resourcesOfType(template, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Roles) === JSON.stringify([QUICKSIGHT_SECRETS_ROLE_NAME]));
      expect(access).toHaveLength(1);
      const [read, decrypt] = statementsOf(access[0][1]);
      expect(read).toMatchObject({ Action: 'secretsmanager:GetSecretValue', Resource: source.Credentials && (source.Credentials as Json).SecretArn });
      expect(decrypt).toMatchObject({ Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': expect.stringMatching(/^secretsmanager\./) } } });
      expect(statementsOf(access[0][1])).toHaveLength(2);
      expect(JSON.stringify(template.toJSON())).not.toMatch(/adminPasswordSecretArn|AdminSecret/);
    });
  });

  it('builds one Analysis and one Dashboard per dashboard definition, each with exactly the visuals of the definition', () => {
    // plus, right after each KPI with a target that compares periods, its comparison KPI (QuickSight's KPI has one target)
    const expectedIds = (d: (typeof DASHBOARDS)[number]): string[] =>
      d.visuals.flatMap((v) => (v.kind === 'kpi' && v.target && v.comparison && d.comparisons.length > 0 ? [v.id, `${v.id}-comparison`] : [v.id]));
    const analyses = resourcesOfType(template, 'AWS::QuickSight::Analysis').map(([, p]) => p);
    const dashboards = resourcesOfType(template, 'AWS::QuickSight::Dashboard').map(([, p]) => p);
    expect(analyses.map((a) => a.AnalysisId)).toEqual(DASHBOARDS.map((d) => `retail-lake-dev-${d.id}`));
    expect(dashboards.map((d) => d.DashboardId)).toEqual(DASHBOARDS.map((d) => `retail-lake-dev-${d.id}`));
    DASHBOARDS.forEach((d, i) => {
      expect(visualIdsOf(analyses[i].Definition)).toEqual(expectedIds(d));
      expect(visualIdsOf(dashboards[i].Definition)).toEqual(expectedIds(d));
      expect(dashboards[i].Definition).toEqual(analyses[i].Definition);
    });
    // the KPI windows' QuickSight parameters reach QuickSight as written: escaped in an Fn::Sub, never a bare ${...}
    const expressions = analyses.flatMap((a) => ((a.Definition as Json).CalculatedFields as Json[]).map((f) => f.Expression));
    const windowed = expressions.filter((e): e is { 'Fn::Sub': string } => typeof e === 'object' && e !== null && 'Fn::Sub' in e).map((e) => e['Fn::Sub']);
    expect(windowed.length).toBeGreaterThan(0);
    for (const body of windowed) expect(body).toMatch(/^[^$]*(\$\{!(DateFrom|DateTo|Comparison)\}[^$]*)+$/);
    for (const e of expressions.filter((x) => typeof x === 'string')) expect(e).not.toContain('${');
    // the executives own them; the manager's user may view the dashboards (its rows limited below)
    expect(JSON.stringify(analyses[0].Permissions)).not.toContain(MANAGER_USER);
    expect(dashboards[0].Permissions).toEqual([
      { Principal: EXECUTIVES, Actions: expect.arrayContaining(['quicksight:UpdateDashboardPermissions', 'quicksight:QueryDashboard']) },
      { Principal: MANAGER_USER, Actions: ['quicksight:DescribeDashboard', 'quicksight:ListDashboardVersions', 'quicksight:QueryDashboard'] },
    ]);
  });

  it("limits every dataset with a store column to the viewer's stores through a row-level-security dataset", () => {
    const byId = new Map(resourcesOfType(template, 'AWS::QuickSight::DataSet'));
    const [rulesId, rules] = [...byId].find(([, p]) => String(p.DataSetId).endsWith('-rls-store-id')) ?? [];
    const sql = JSON.stringify(rules?.PhysicalTableMap);
    expect(sql).toContain(`CAST('${EXECUTIVES}' AS VARCHAR(2048)) AS group_arn, CAST(NULL AS VARCHAR(64)) AS store_id`);
    for (const store of ['S003', 'S004']) expect(sql).toContain(`CAST('${MANAGER_USER}' AS VARCHAR(2048)) AS user_arn, CAST(NULL AS VARCHAR(2048)) AS group_arn, CAST('${store}' AS VARCHAR(64))`);
    expect(JSON.stringify(rules?.LogicalTableMap)).toContain('"NewColumnName":"UserARN"');
    for (const d of DATASETS) {
      const [, props] = [...byId].find(([, p]) => p.DataSetId === `retail-lake-dev-${d.name.replace(/_/g, '-')}`) ?? [];
      expect(props?.RowLevelPermissionDataSet).toEqual(
        d.filterColumns.store ? { Arn: { 'Fn::GetAtt': [rulesId, 'Arn'] }, PermissionPolicy: 'GRANT_ACCESS', FormatVersion: 'VERSION_2' } : undefined,
      );
    }
  });

  it('refreshes every SPICE dataset after each pipeline run (a direct-query dataset has nothing to refresh)', () => {
    const ids = resourcesOfType(template, 'AWS::QuickSight::DataSet')
      .filter(([, p]) => p.ImportMode === 'SPICE')
      .map(([, p]) => p.DataSetId as string);
    expect(ids).not.toContain('retail-lake-dev-sku-day-sales');
    const functions = [t.templates.pipeline, ...t.nestedTemplates.pipeline].flatMap((tpl) => resourcesOfType(tpl, 'AWS::Lambda::Function').map(([, p]) => p));
    const refreshed = functions.flatMap((f) => (((f.Environment as Json | undefined)?.Variables as Json | undefined)?.QUICKSIGHT_DATASET_IDS as string | undefined) ?? []).filter(Boolean);
    expect(refreshed.length).toBeGreaterThan(0);
    for (const list of refreshed) expect(list.split(',').sort()).toEqual([...ids].sort());
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.consumers).toEqual([]);
    expect(t.nagFindings.warehouse).toEqual([]);
  });
});
