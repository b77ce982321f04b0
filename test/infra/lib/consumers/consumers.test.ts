import { Match, Template } from 'aws-cdk-lib/assertions';
import { DATASETS } from '../../../../dashboards/datasets';
import { athenaTableSql, readAthenaSql } from '../../../../infra/lib/consumers/analyst-queries';
import { storeRowFilter } from '../../../../infra/lib/consumers/store-access';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

const MANAGER_ROLE = 'arn:aws:iam::123456789012:role/store-manager-central';

describe('consumers stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  let warehouse: Template;
  beforeAll(async () => {
    t = await synthesizedStage({
      stage: {
        consumers: {
          storeAccess: [{ name: 'central', principalArn: MANAGER_ROLE, storeIds: ['S003', 'S004'] }],
          quicksight: { enabled: true, principalArn: 'arn:aws:quicksight:eu-west-1:123456789012:group/default/executives' },
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
    for (const table of ['sales_lines', 'inventory_events']) {
      template.hasResourceProperties('AWS::LakeFormation::DataCellsFilter', {
        TableName: table,
        Name: `central-${table}`,
        RowFilter: { FilterExpression: "store_id IN ('S003', 'S004')" },
        ColumnWildcard: { ExcludedColumnNames: [] },
      });
      template.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
        Principal: { DataLakePrincipalIdentifier: MANAGER_ROLE },
        Permissions: ['SELECT'],
        Resource: { DataCellsFilter: Match.objectLike({ TableName: table, Name: `central-${table}` }) },
      });
    }
    expect(() => storeRowFilter(["S1' OR '1'='1"])).toThrow(/row filter/);
  });

  it('connects QuickSight to the warehouse over its VPC connection and TLS, with one SPICE dataset per dashboard dataset', () => {
    template.hasResourceProperties('AWS::QuickSight::DataSource', {
      Type: 'REDSHIFT',
      SslProperties: { DisableSsl: false },
      VpcConnectionProperties: { VpcConnectionArn: Match.anyValue() },
      Credentials: { SecretArn: Match.anyValue() },
    });
    const datasets = resourcesOfType(template, 'AWS::QuickSight::DataSet').map(([, p]) => p);
    expect(datasets.map((d) => d.DataSetId).sort()).toEqual(DATASETS.map((d) => `retail-lake-dev-${d.name.replace(/_/g, '-')}`).sort());
    for (const d of datasets) expect(d.ImportMode).toBe('SPICE');
    // QuickSight's physical table ids: letters, digits and hyphens (CloudFormation rejects the dataset otherwise)
    for (const d of datasets) for (const id of Object.keys(d.PhysicalTableMap as object)) expect(id).toMatch(/^[0-9a-zA-Z-]{1,64}$/);
    // the warehouse lets QuickSight's interfaces in on the Redshift port only
    warehouse.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 5439, ToPort: 5439, IpProtocol: 'tcp' });
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.consumers).toEqual([]);
    expect(t.nagFindings.warehouse).toEqual([]);
  });
});
