import { Match, Template } from 'aws-cdk-lib/assertions';
import { CURATED_COLUMNS } from '../../../../functions/lib/curated-schema';
import { athenaTableDdl, LAKE_TABLES } from '../../../../functions/lib/lake-tables';
import { STORE_COLUMNS, PRODUCT_COLUMNS } from '../../../../functions/lib/reference/reference-data';
import { parseAthenaDdl } from '../../../helpers/athena-ddl';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

describe('lake stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  beforeAll(async () => {
    t = await synthesizedStage();
    template = t.templates.lake;
  });

  it('has one customer key with rotation and five buckets', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.resourceCountIs('AWS::S3::Bucket', 5);
  });

  it('blocks public access on every bucket and denies non-TLS requests', () => {
    const buckets = resourcesOfType(template, 'AWS::S3::Bucket');
    for (const [, props] of buckets) {
      expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    }
    const policies = resourcesOfType(template, 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(5);
    for (const [, props] of policies) {
      const statements = (props.PolicyDocument as { Statement: { Effect: string; Condition?: Record<string, Record<string, unknown>> }[] }).Statement;
      expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    }
  });

  it('encrypts the data buckets with the lake key and versions raw and curated', () => {
    const byName = (zone: string) =>
      resourcesOfType(template, 'AWS::S3::Bucket').find(([, p]) => JSON.stringify(p.BucketName).includes(`-${zone}-`))?.[1] ?? {};
    for (const zone of ['raw', 'curated', 'quarantine', 'athena-results']) {
      const enc = (byName(zone).BucketEncryption as { ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID?: unknown } }[] })
        .ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault;
      expect(enc.SSEAlgorithm).toBe('aws:kms');
      expect(enc.KMSMasterKeyID).toBeDefined();
    }
    expect(byName('raw').VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(byName('curated').VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(byName('quarantine').VersioningConfiguration).toBeUndefined();
  });

  it('moves raw to Glacier and expires quarantine and query results, as the stage says', () => {
    const { lake } = t.config;
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('-raw-')])] }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: lake.rawToGlacierDays }], ExpirationInDays: lake.rawExpireDays }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('-quarantine-')])] }),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: lake.quarantineExpireDays })]) },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('-athena-results-')])] }),
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: lake.athenaResultsExpireDays })]) },
    });
  });

  it('catalogs the curated tables with partition projection and no crawler', () => {
    template.resourceCountIs('AWS::Glue::Crawler', 0);
    template.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: t.config.lake.curatedDatabase } });
    const tables = Object.fromEntries(
      resourcesOfType(template, 'AWS::Glue::Table').map(([, p]) => {
        const input = p.TableInput as { Name: string; Parameters: Record<string, unknown>; PartitionKeys?: { Name: string; Type: string }[]; StorageDescriptor: { Columns: { Name: string; Type: string }[]; Parameters?: Record<string, unknown> } };
        return [input.Name, input];
      }),
    );
    expect(Object.keys(tables).sort()).toEqual(['inventory_events', 'products', 'purchase_orders', 'quarantine', 'sales_lines', 'store_day_baskets', 'stores']);
    for (const [name, partition] of [['sales_lines', 'business_date'], ['inventory_events', 'business_date'], ['purchase_orders', 'business_date'], ['store_day_baskets', 'month_start'], ['quarantine', 'received_date']] as const) {
      const table = tables[name];
      expect(table.PartitionKeys).toEqual([{ Name: partition, Type: 'date' }]);
      expect(table.Parameters[`projection.${partition}.type`]).toBe('date');
      expect(table.Parameters['projection.enabled']).toBe('true');
      expect(table.Parameters[`projection.${partition}.format`]).toBe('yyyy-MM-dd');
      expect(JSON.stringify(table.Parameters['storage.location.template'])).toContain(`${partition}=\${${partition}}/`);
      // every curated column, in order, except the partition (it comes from the key)
      expect(table.StorageDescriptor.Columns.map((c) => c.Name)).toEqual(Object.keys(CURATED_COLUMNS[name]).filter((c) => c !== partition));
    }
    // store_day_baskets has a partition a month, the others a day (the default unit of a yyyy-MM-dd format)
    expect(tables.store_day_baskets.Parameters['projection.month_start.interval.unit']).toBe('MONTHS');
    expect(tables.sales_lines.Parameters['projection.business_date.interval.unit']).toBeUndefined();
    expect(tables.sales_lines.StorageDescriptor.Columns.find((c) => c.Name === 'net_revenue')?.Type).toBe('decimal(18,2)');
    expect(tables.stores.StorageDescriptor.Columns.map((c) => c.Name)).toEqual([...STORE_COLUMNS]);
    expect(tables.products.StorageDescriptor.Columns.map((c) => c.Name)).toEqual([...PRODUCT_COLUMNS]);
    // the catalog and the Athena DDL (named queries tables/<name>) are one description: same columns, types, partition
    for (const spec of LAKE_TABLES) {
      const ddl = parseAthenaDdl(athenaTableDdl(spec));
      const table = tables[spec.name];
      expect(table.StorageDescriptor.Columns.map((c) => [c.Name, c.Type])).toEqual(ddl.columns);
      expect((table.PartitionKeys ?? []).map((c) => [c.Name, c.Type])).toEqual(ddl.partition ? [ddl.partition] : []);
      for (const key of ['classification', 'skip.header.line.count', ...Object.keys(ddl.properties).filter((k) => k.startsWith('projection.'))]) {
        const glueParameters = { ...table.Parameters, ...table.StorageDescriptor.Parameters };
        expect([key, glueParameters[key] ?? null]).toEqual([key, ddl.properties[key] ?? null]);
      }
    }
  });

  it('records data events of the lake buckets in an encrypted, validated trail', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
      EventSelectors: [Match.objectLike({ IncludeManagementEvents: false, ReadWriteType: 'WriteOnly', DataResources: [Match.objectLike({ Type: 'AWS::S3::Object' })] })],
    });
  });

  it('lets CloudWatch alarms and EventBridge use the key for the encrypted topics', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AlarmsAndEventsPublishToEncryptedTopics' })]) },
    });
  });

  it('destroys data only when the stage opts in', async () => {
    // dev in cdk.json opts in; the default and prod retain
    expect(t.config.removeDataOnDestroy).toBe(true);
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    const kept = (await synthesizedStage({ stage: { removeDataOnDestroy: false } })).templates.lake;
    for (const type of ['AWS::S3::Bucket', 'AWS::Glue::Table', 'AWS::Glue::Database', 'AWS::KMS::Key']) {
      const resources = kept.findResources(type);
      expect(Object.keys(resources).length).toBeGreaterThan(0);
      for (const r of Object.values(resources)) expect(r.DeletionPolicy).toBe('Retain');
    }
    kept.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.lake).toEqual([]);
  });
});
