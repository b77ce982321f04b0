import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { PIPELINE_ASL, runLeaseSeconds, WAREHOUSE_FAIL_STATES } from '../../../../infra/lib/pipeline/pipeline-state-machine';
import { PIPELINE_STEPS } from '../../../../functions/pipeline/steps';
import { duckdbMemoryLimitMb, lambdaBatchLimitBytes, validateBatchLimitBytes } from '../../../../functions/lib/pipeline/batch-sizing';
import { resourcesOfType } from '../../helpers';
import { STACK_KEYS, synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Json = Record<string, unknown>;

/** The variables every pipeline Lambda reads (the list), plus the runtime's own. */
const PIPELINE_ENV = [
  'BUCKET_RAW',
  'BUCKET_CURATED',
  'BUCKET_QUARANTINE',
  'TOPIC_LOW_STOCK_ARNS',
  'TOPIC_DATA_QUALITY_ARN',
  'TOPIC_OPS_ARN',
  'REDSHIFT_WORKGROUP',
  'REDSHIFT_DATABASE',
  'REDSHIFT_COPY_ROLE_ARN',
  'ATHENA_WORKGROUP',
  'CURATED_DATABASE',
  'ATHENA_RESULTS_BUCKET',
  'GLUE_THRESHOLD_BYTES',
  'SERVICE_LEVEL',
  'DEAD_STOCK_DAYS',
  'OVERSTOCK_COVER',
  'QUARANTINE_ALERT_RATE',
  'REPORTING_CURRENCY',
  'QUARANTINE_RETENTION_DAYS',
  'RUN_LEASE_SECONDS',
];

const actionsOf = (s: Statement): string[] => [s.Action].flat();

describe('pipeline stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  let templates: Record<string, Template>;
  let roleStatements: Statement[];
  beforeAll(async () => {
    t = await synthesizedStage();
    template = t.templates.pipeline;
    templates = Object.fromEntries(STACK_KEYS.map((k) => [t.stackNames[k], t.templates[k]]));
    const [roleId] = resourcesOfType(template, 'AWS::IAM::Role').find(([id]) => id.startsWith('PipelineRole')) ?? [''];
    roleStatements = resourcesOfType(template, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Roles).includes(roleId))
      .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement);
  });

  const stateMachine = (): Json => resourcesOfType(template, 'AWS::StepFunctions::StateMachine')[0][1];
  const functionIds = (): Record<string, string> =>
    Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function').map(([id, p]) => [String(p.FunctionName), id]));

  it('deploys statemachines/pipeline.asl.json unchanged, as an asset', () => {
    const location = stateMachine().DefinitionS3Location as { Key: string };
    const asset = readFileSync(join(t.assemblyDir, `asset.${location.Key.replace(/\.json$/, '')}.json`), 'utf8');
    expect(asset).toBe(readFileSync(PIPELINE_ASL, 'utf8'));
  });

  it('provides every ${...} of the ASL, each resolving to a resource of the app', () => {
    const placeholders = [...new Set([...readFileSync(PIPELINE_ASL, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]))].sort();
    const subs = stateMachine().DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(subs).sort()).toEqual(placeholders);

    const fns = functionIds();
    for (const step of PIPELINE_STEPS) {
      expect(subs[step.substitution]).toEqual({ 'Fn::GetAtt': [fns[`retail-lake-dev-${step.name}`], 'Arn'] });
    }
    const glueJob = resourcesOfType(template, 'AWS::Glue::Job')[0][0];
    expect(subs.CurateGlueJobName).toEqual({ Ref: glueJob });
    for (const name of ['DataQualityTopicArn', 'OpsTopicArn']) {
      const ref = (subs[name] as { 'Fn::GetStackOutput': { StackName: string; OutputName: string } })['Fn::GetStackOutput'];
      const output = (templates[ref.StackName].toJSON().Outputs as Record<string, { Value: { Ref: string } }>)[ref.OutputName];
      templates[ref.StackName].hasResource('AWS::SNS::Topic', {});
      expect(templates[ref.StackName].toJSON().Resources[output.Value.Ref].Type).toBe('AWS::SNS::Topic');
    }
    template.hasResourceProperties('AWS::Athena::WorkGroup', { Name: subs.AthenaWorkGroup });
    templates[t.stackNames.lake].hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: subs.CuratedDatabase } });
    const warehouse = templates[t.stackNames.warehouse];
    warehouse.hasResourceProperties('AWS::RedshiftServerless::Workgroup', { WorkgroupName: subs.RedshiftWorkgroupName });
    warehouse.hasResourceProperties('AWS::RedshiftServerless::Namespace', { DbName: subs.RedshiftDatabase });
  });

  it('logs all events with execution data and traces with X-Ray', () => {
    expect(stateMachine().LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    expect(stateMachine().TracingConfiguration).toEqual({ Enabled: true });
  });

  it('may invoke exactly the Task Lambdas', () => {
    const invoke = roleStatements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    const fns = functionIds();
    const ids = (invoke[0].Resource as { 'Fn::GetAtt': [string, string] }[]).map((r) => r['Fn::GetAtt'][0]).sort();
    expect(ids).toEqual(PIPELINE_STEPS.map((s) => fns[`retail-lake-dev-${s.name}`]).sort());
  });

  it('may publish to the data-quality and ops topics, run the Glue job, query Athena and use the Data API', () => {
    const published = roleStatements
      .filter((s) => actionsOf(s).includes('sns:Publish'))
      .flatMap((s) => [s.Resource].flat() as { 'Fn::GetStackOutput': { OutputName: string } }[])
      .map((r) => r['Fn::GetStackOutput'].OutputName.replace(/^PublishOutputRefTopics/, '').replace(/[A-F0-9]{16}$/, ''))
      .sort();
    expect(published).toEqual(['dataquality', 'ops']);

    const glue = roleStatements.find((s) => actionsOf(s).includes('glue:StartJobRun'));
    expect(actionsOf(glue as Statement).sort()).toEqual(['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun']);
    expect(JSON.stringify(glue?.Resource)).toContain(':job/');

    const athena = roleStatements.find((s) => actionsOf(s).includes('athena:StartQueryExecution'));
    expect(actionsOf(athena as Statement)).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution']));
    expect(JSON.stringify(athena?.Resource)).toContain('workgroup/retail-lake-dev-pipeline');

    const data = roleStatements.find((s) => actionsOf(s).includes('redshift-data:BatchExecuteStatement'));
    expect(actionsOf(data as Statement)).toContain('redshift-serverless:GetCredentials');
    expect(JSON.stringify(data?.Resource)).toContain('WorkgroupWorkgroupArn');
    expect(roleStatements.some((s) => actionsOf(s).includes('redshift-data:DescribeStatement'))).toBe(true);
  });

  it('runs on the schedule of the stage', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: t.config.pipeline.schedule,
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('PipelineStateMachine') } })],
    });
  });

  it('gives every Task Lambda the pipeline environment; DuckDB steps get the layer and ship sql/', () => {
    const lambdas = Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function').map(([, p]) => [String(p.FunctionName), p]));
    expect(Object.keys(lambdas).sort()).toEqual(PIPELINE_STEPS.map((s) => `retail-lake-dev-${s.name}`).sort());
    for (const step of PIPELINE_STEPS) {
      const fn = lambdas[`retail-lake-dev-${step.name}`];
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(env)).toEqual(expect.arrayContaining(PIPELINE_ENV));
      expect(Number(env.GLUE_THRESHOLD_BYTES)).toBeLessThanOrEqual(t.config.pipeline.glueThresholdBytes);
      expect(env.WORK_DIR).toBe('/tmp');
      expect(env.QUARANTINE_ALERT_RATE).toBe(String(t.config.pipeline.quarantineAlertRate));
      expect(env.REPORTING_CURRENCY).toBe(t.config.pipeline.reportingCurrency);
      // Reconcile checks the quarantine zone only over what its lifecycle keeps
      expect(env.QUARANTINE_RETENTION_DAYS).toBe(String(t.config.lake.quarantineExpireDays));
      expect(env.RUN_LEASE_SECONDS).toBe(String(runLeaseSeconds()));
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('retail-lake-pipeline');
      expect(Boolean(fn.Layers)).toBe(step.duckdb);
      expect(env.SQL_ROOT).toBe(step.sql ? '/var/task/sql' : undefined);
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  it('sizes DuckDB for each DuckDB step and routes the batches its memory and /tmp cannot take to Glue', () => {
    const lambdas = Object.fromEntries(resourcesOfType(template, 'AWS::Lambda::Function').map(([, p]) => [String(p.FunctionName), p]));
    const duckdbSteps = PIPELINE_STEPS.filter((s) => s.duckdb);
    expect(duckdbSteps.length).toBeGreaterThan(0);
    const threshold = Number((lambdas['retail-lake-dev-plan-batch'].Environment as { Variables: Record<string, string> }).Variables.GLUE_THRESHOLD_BYTES);
    for (const step of PIPELINE_STEPS) {
      const fn = lambdas[`retail-lake-dev-${step.name}`];
      const env = (fn.Environment as { Variables: Record<string, string> }).Variables;
      if (!step.duckdb) {
        expect(env.DUCKDB_MEMORY_MB).toBeUndefined();
        expect(env.VALIDATE_WORKERS).toBeUndefined();
        continue;
      }
      const memoryMb = Number(fn.MemorySize);
      const ephemeralStorageMiB = Number((fn.EphemeralStorage as { Size: number }).Size);
      expect(env.DUCKDB_MEMORY_MB).toBe(String(duckdbMemoryLimitMb(memoryMb)));
      expect(Number(env.DUCKDB_MEMORY_MB)).toBeLessThan(memoryMb);
      // a thread per vCPU (1 at 1,769 MB), a part of one counting: 3,008 MB (1.7 vCPU) validates and fits on 2
      expect(env.VALIDATE_WORKERS).toBe(String(Math.ceil(memoryMb / 1769)));
      expect(env.FORECAST_WORKERS).toBe(env.VALIDATE_WORKERS);
      expect(threshold).toBe(Math.min(t.config.pipeline.glueThresholdBytes, lambdaBatchLimitBytes({ memoryMb, ephemeralStorageMiB })));
      if (step.name === 'validate-batch') expect(Number(env.MAX_BATCH_BYTES)).toBe(validateBatchLimitBytes(ephemeralStorageMiB));
    }
  });

  it('gives the run lease a life longer than an execution and the Lambda invocation it may leave running', () => {
    const asl = JSON.parse(readFileSync(PIPELINE_ASL, 'utf8')) as { TimeoutSeconds: number };
    const longestTask = Math.max(...resourcesOfType(template, 'AWS::Lambda::Function').map(([, p]) => Number(p.Timeout)));
    expect(asl.TimeoutSeconds).toBe(2 * 3600);
    expect(runLeaseSeconds()).toBeGreaterThanOrEqual(asl.TimeoutSeconds + longestTask);
  });

  it('tags the roles that load the warehouse with its loader database role', () => {
    const tagged = resourcesOfType(template, 'AWS::IAM::Role').filter(([, p]) =>
      ((p.Tags as { Key: string; Value: string }[] | undefined) ?? []).some((tag) => tag.Key === 'RedshiftDbRoles' && tag.Value === 'retail_lake_loader'),
    );
    expect(tagged.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual(['FunctionsfitforecastsRole', 'FunctionspublishalertsRole', 'FunctionsreconcileRole', 'FunctionsstockriskRole', 'PipelineRole']); // PublishAlerts marks what it sent in alert_state
  });

  it('runs the curate Glue job on Glue 5 with the transform SQL in its support zip and encrypted logs', () => {
    template.hasResourceProperties('AWS::Glue::Job', {
      Name: 'retail-lake-dev-curate',
      GlueVersion: '5.0',
      WorkerType: 'G.1X',
      NumberOfWorkers: t.config.pipeline.glueWorkers,
      SecurityConfiguration: Match.anyValue(),
      DefaultArguments: Match.objectLike({ '--extra-files': Match.absent(), '--extra-py-files': Match.anyValue(), '--partition_prefix': 'curated/{table}/business_date={date}/' }),
    });
    template.hasResourceProperties('AWS::Glue::SecurityConfiguration', {
      EncryptionConfiguration: {
        CloudWatchEncryption: { CloudWatchEncryptionMode: 'SSE-KMS', KmsKeyArn: Match.anyValue() },
        JobBookmarksEncryption: { JobBookmarksEncryptionMode: 'CSE-KMS', KmsKeyArn: Match.anyValue() },
        S3Encryptions: [{ S3EncryptionMode: 'SSE-KMS', KmsKeyArn: Match.anyValue() }],
      },
    });
  });

  it('alarms on failed and timed-out executions, warehouse load failures, Glue failures and every Lambda', () => {
    const names = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, p]) => String(p.AlarmName));
    expect(names).toEqual(
      expect.arrayContaining([
        'retail-lake-dev-pipeline-executions-failed',
        'retail-lake-dev-pipeline-executions-timed-out',
        'retail-lake-dev-pipeline-warehouse-load-failed',
        'retail-lake-dev-curate-failed-runs',
        ...PIPELINE_STEPS.flatMap((s) => [`retail-lake-dev-${s.name}-error-rate`, `retail-lake-dev-${s.name}-throttles`]),
      ]),
    );
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.glue'], 'detail-type': ['Glue Job State Change'], detail: { jobName: ['retail-lake-dev-curate'], state: ['FAILED', 'TIMEOUT', 'ERROR'] } },
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricName: 'WarehouseLoadFailures', MetricNamespace: 'RetailLake' })] });
    // every Fail state of the ASL's warehouse load branch (the load's batch and the derived tables' one) is counted
    const branch = (JSON.parse(readFileSync(PIPELINE_ASL, 'utf8')) as { States: Record<string, { Branches?: { StartAt: string; States: Record<string, { Type: string }> }[] }> }).States.RefreshAndLoad.Branches?.find((b) => b.StartAt === 'LoadWarehouse');
    const failStates = Object.entries(branch?.States ?? {}).filter(([, s]) => s.Type === 'Fail').map(([name]) => name);
    expect(failStates.sort()).toEqual([...WAREHOUSE_FAIL_STATES].sort());
    const [filter] = resourcesOfType(template, 'AWS::Logs::MetricFilter').filter(([, p]) => JSON.stringify(p).includes('WarehouseLoadFailures'));
    for (const state of failStates) expect(String(filter[1].FilterPattern)).toContain(`$.details.name = "${state}"`);
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.pipeline).toEqual([]);
  });
});
