import { readFileSync } from 'node:fs';
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AlertTopics } from '../common/alert-topics';
import { FIVE_MINUTES, opsAlarm } from '../common/alarms';
import { acknowledgeWildcards } from '../common/iam-findings';
import { acknowledge } from '../common/nag';
import { METRICS_NAMESPACE } from '../../../functions/lib/metric-names';
import { projectPath } from '../common/paths';
import type { RedshiftWarehouse } from '../warehouse/redshift-warehouse';
import { tagAsWarehouseLoader } from '../warehouse/warehouse-access';
import { acknowledgeAthenaQueries, grantAthenaQueries, type AthenaWorkgroup } from '../common/athena-workgroup';
import { PIPELINE_STEPS, PIPELINE_TOPICS } from '../../../functions/pipeline/steps';
import { ConfigurationError } from '../../../functions/lib/errors';
import type { PipelineLambdas } from './pipeline-lambdas';

/** The definition, used unchanged here and by the local runner. */
export const PIPELINE_ASL = projectPath('statemachines', 'pipeline.asl.json');

/** The Fail states of the ASL's LoadWarehouse branch: the Data API reported the load's batch, or the derived tables'
 * batch after it, FAILED or ABORTED (a status, not a Task error, so only these states show it in the log). */
export const WAREHOUSE_FAIL_STATES = ['LoadFailed', 'DerivedTablesFailed'];

/** The definition's TimeoutSeconds: Step Functions ends an execution that runs longer. */
export function pipelineTimeoutSeconds(): number {
  const seconds = (JSON.parse(readFileSync(PIPELINE_ASL, 'utf8')) as { TimeoutSeconds?: number }).TimeoutSeconds;
  if (seconds === undefined) throw new ConfigurationError(`${PIPELINE_ASL}: TimeoutSeconds is required (the run lease outlasts it)`);
  return seconds;
}

/**
 * How long PlanBatch's run lease lasts: an execution that times out or is stopped never gives it back, so it must
 * expire, but only once nothing of that execution can still be working: after the execution's timeout and the
 * longest Task Lambda's own timeout (an invocation in flight runs on after its execution has ended).
 */
export function runLeaseSeconds(): number {
  return pipelineTimeoutSeconds() + Math.max(...PIPELINE_STEPS.map((s) => s.timeoutMinutes)) * 60;
}

export interface PipelineStateMachineProps {
  /** resource name prefix: the state machine is `<prefix>-pipeline` */
  readonly prefix: string;
  /** the Task Lambdas */
  readonly functions: PipelineLambdas;
  /** the Glue job that curates large batches */
  readonly curateJob: glue.IJob;
  /** the topics the state machine publishes to (data quality, ops) and its alarms go to (ops) */
  readonly topics: AlertTopics;
  /** the workgroup of the derived-table refresh */
  readonly athena: AthenaWorkgroup;
  /** the warehouse the loads run on */
  readonly warehouse: RedshiftWarehouse;
  /** the Glue database of the curated tables */
  readonly curatedDatabase: string;
  /** the bucket of curated/ */
  readonly curated: s3.IBucket;
  /** the bucket of quarantine/ */
  readonly quarantine: s3.IBucket;
  /** how long the execution log keeps events */
  readonly logRetention: logs.RetentionDays;
  /** when the pipeline runs */
  readonly schedule: events.Schedule;
  /**
   * whether the schedule starts executions
   * @default true
   */
  readonly scheduleEnabled?: boolean;
}

/** Every `${...}` of the ASL and its value (test/infra checks the two sets match). */
export function pipelineSubstitutions(props: PipelineStateMachineProps): Record<string, string> {
  const lambdas = Object.fromEntries(PIPELINE_STEPS.map((s) => [s.substitution, props.functions.get(s.name).fn.functionArn]));
  const topics = Object.fromEntries(Object.entries(PIPELINE_TOPICS).map(([sub, topic]) => [sub, props.topics.byName(topic).topicArn]));
  return {
    ...lambdas,
    ...topics,
    CurateGlueJobName: props.curateJob.jobName,
    AthenaWorkGroup: props.athena.name,
    CuratedDatabase: props.curatedDatabase,
    RedshiftWorkgroupName: props.warehouse.workgroupName,
    RedshiftDatabase: props.warehouse.database,
  };
}

/**
 * The pipeline state machine from statemachines/pipeline.asl.json with its substitutions, all-events logging and
 * X-Ray; a role that can do exactly what the Tasks do; the EventBridge schedule; and its alarms (failed and
 * timed-out executions, warehouse loads the Data API reports as failed).
 */
export class PipelineStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly schedule: events.Rule;
  readonly alarms: cloudwatch.Alarm[];
  readonly warehouseLoadFailures: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    const name = `${props.prefix}-pipeline`;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('states.amazonaws.com'), description: `${name} state machine` });
    this.grantTasks(props);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(PIPELINE_ASL),
      definitionSubstitutions: pipelineSubstitutions(props),
      role: this.role,
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // CDK adds X-Ray and CloudWatch Logs delivery permissions for tracing and logging; neither has resource ARNs.
    acknowledge(this.role, 'xrayTracing', 'stateMachineLogDelivery');

    this.schedule = new events.Rule(this, 'Schedule', {
      ruleName: `${name}-schedule`,
      description: 'Runs the pipeline over everything not yet processed',
      schedule: props.schedule,
      enabled: props.scheduleEnabled ?? true,
      targets: [new targets.SfnStateMachine(this.stateMachine)],
    });
    this.warehouseLoadFailures = this.countWarehouseLoadFailures();
    this.alarms = this.createAlarms(name, props.topics.ops);
  }

  /** The Data API has no CloudWatch metrics: count its failures from the execution log. */
  private countWarehouseLoadFailures(): cloudwatch.Metric {
    return new logs.MetricFilter(this, 'WarehouseLoadFailures', {
      logGroup: this.logGroup,
      metricNamespace: METRICS_NAMESPACE,
      metricName: 'WarehouseLoadFailures',
      filterPattern: logs.FilterPattern.any(
        logs.FilterPattern.all(logs.FilterPattern.stringValue('$.type', '=', 'TaskFailed'), logs.FilterPattern.stringValue('$.details.resourceType', '=', 'aws-sdk:redshiftdata')),
        // the Fail states of the LoadWarehouse branch: the load's batch, and the derived tables' batch after it
        ...WAREHOUSE_FAIL_STATES.map((state) =>
          logs.FilterPattern.all(logs.FilterPattern.stringValue('$.type', '=', 'FailStateEntered'), logs.FilterPattern.stringValue('$.details.name', '=', state)),
        ),
      ),
      metricValue: '1',
      defaultValue: 0,
    }).metric({ statistic: 'Sum', period: FIVE_MINUTES });
  }

  private createAlarms(name: string, topic: sns.ITopic): cloudwatch.Alarm[] {
    const period = { statistic: 'Sum', period: FIVE_MINUTES };
    return [
      opsAlarm(this, 'FailedAlarm', {
        alarmName: `${name}-executions-failed`,
        alarmDescription: 'A pipeline execution failed (the ops topic has the error)',
        metric: this.stateMachine.metricFailed(period),
        topic,
      }),
      opsAlarm(this, 'TimedOutAlarm', {
        alarmName: `${name}-executions-timed-out`,
        alarmDescription: 'A pipeline execution timed out',
        metric: this.stateMachine.metricTimedOut(period),
        topic,
      }),
      opsAlarm(this, 'WarehouseLoadAlarm', {
        alarmName: `${name}-warehouse-load-failed`,
        alarmDescription: 'The Redshift Data API reported a failed warehouse load or derived tables refresh',
        metric: this.warehouseLoadFailures,
        topic,
      }),
    ];
  }

  private grantTasks(props: PipelineStateMachineProps): void {
    const role = this.role;
    // lambda:InvokeFunction on exactly the Task functions (unqualified ARNs, as the ASL names them).
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: PIPELINE_STEPS.map((s) => props.functions.get(s.name).fn.functionArn),
      }),
    );
    props.topics.dataQuality.grantPublish(role);
    props.topics.ops.grantPublish(role);
    acknowledgeWildcards(role, 'kmsDataKeys', { actions: ['kms:GenerateDataKey*'] });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'],
        resources: [props.curateJob.jobArn],
      }),
    );
    const access = { workgroup: props.athena, database: props.curatedDatabase, curated: props.curated, quarantine: props.quarantine, writeViews: true };
    grantAthenaQueries(role, access);
    acknowledgeAthenaQueries(role, access);
    // BatchExecuteStatement + DescribeStatement (the load's poll loop), as the role's own database user.
    props.warehouse.grantDataApi(role);
    tagAsWarehouseLoader(role);
    acknowledge(role, 'redshiftDataStatements');
  }
}
