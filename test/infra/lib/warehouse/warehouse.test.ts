import { Match, Template } from 'aws-cdk-lib/assertions';
import { ledgerStatements, readMigrations } from '../../../../functions/lib/warehouse/migrations';
import { CREATE_DB_ROLES, dashboardGrantStatements, GRANT_STATEMENTS } from '../../../../infra/lib/warehouse/warehouse-access';
import { dashboardRelations } from '../../../../infra/lib/warehouse/warehouse-ddl';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

describe('warehouse stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  beforeAll(async () => {
    t = await synthesizedStage();
    template = t.templates.warehouse;
  });

  it('puts the warehouse in isolated subnets of three AZs: no internet gateway, no NAT, an S3 gateway endpoint', () => {
    template.resourceCountIs('AWS::EC2::Subnet', 3);
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith(['.s3'])] }) });
    for (const [, subnet] of resourcesOfType(template, 'AWS::EC2::Subnet')) {
      expect(t.config.availabilityZones).toContain(subnet.AvailabilityZone);
      expect(subnet.MapPublicIpOnLaunch).toBe(false);
    }
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'REJECT' });
  });

  it('creates a KMS-encrypted namespace whose admin password Secrets Manager manages', () => {
    template.hasResourceProperties('AWS::RedshiftServerless::Namespace', {
      NamespaceName: 'retail-lake-dev',
      DbName: t.config.warehouse.database,
      AdminUsername: t.config.warehouse.adminUsername,
      ManageAdminPassword: true,
      AdminPasswordSecretKmsKeyId: Match.anyValue(),
      KmsKeyId: Match.anyValue(),
      LogExports: ['userlog', 'connectionlog', 'useractivitylog'],
    });
    const ns = resourcesOfType(template, 'AWS::RedshiftServerless::Namespace')[0][1];
    expect(ns.AdminUserPassword).toBeUndefined();
  });

  it('runs a private workgroup with enhanced VPC routing and TLS required', () => {
    template.hasResourceProperties('AWS::RedshiftServerless::Workgroup', {
      WorkgroupName: 'retail-lake-dev',
      PubliclyAccessible: false,
      EnhancedVpcRouting: true,
      BaseCapacity: t.config.warehouse.baseCapacityRpu,
      MaxCapacity: t.config.warehouse.maxCapacityRpu,
      ConfigParameters: Match.arrayWith([{ ParameterKey: 'require_ssl', ParameterValue: 'true' }]),
    });
  });

  it('lets COPY read only curated/, reference/ and forecast/ of the curated bucket', () => {
    const [roleId] = resourcesOfType(template, 'AWS::IAM::Role').find(([id]) => id.includes('CopyRole')) ?? [''];
    const statements = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Roles).includes(roleId))
      .flatMap(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement);
    const objectResources = statements
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:GetObject')))
      .flatMap((s) => [s.Resource].flat())
      .map((r) => JSON.stringify(r))
      .filter((r) => r.includes('/')); // object ARNs; the bucket ARN itself is there for ListBucket
    expect(objectResources.length).toBe(3);
    expect(objectResources.some((r) => r.includes('/curated/*'))).toBe(true);
    expect(objectResources.some((r) => r.includes('/reference/*'))).toBe(true);
    expect(objectResources.some((r) => r.includes('/forecast/*'))).toBe(true);
    expect(statements.flatMap((s) => [s.Action].flat()).some((a) => /Put|Delete/.test(a))).toBe(false);
  });

  it('applies the migrations of sql/redshift/migrations/ and the grants through a custom resource, re-run when they change', () => {
    const ddl = resourcesOfType(template, 'Custom::WarehouseDdl')[0][1];
    const migrations = readMigrations();
    expect(migrations.map((m) => m.name)).toEqual(expect.arrayContaining(['0001_initial', '0002_store_currency']));
    // every migration, whole, in the properties: adding one changes them, so CloudFormation runs the handler
    expect(ddl.Migrations).toEqual(migrations);
    expect(ddl.MigrationLedger).toEqual(ledgerStatements());
    expect(ddl.Statements).toEqual([...GRANT_STATEMENTS, ...dashboardGrantStatements(dashboardRelations())]);
    expect(ddl.CreateIfMissing).toEqual(CREATE_DB_ROLES);
    expect(ddl.Hash).toMatch(/^[0-9a-f]{64}$/);
    expect(ddl.SecretArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/AdminSecretLookup/), 'namespace.adminPasswordSecretArn'] });
  });

  it('makes no QuickSight user or secret where QuickSight is off', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(resourcesOfType(template, 'Custom::WarehouseDdl')[0][1].DashboardUser).toBeUndefined();
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.warehouse).toEqual([]);
  });
});
