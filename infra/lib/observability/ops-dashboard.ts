import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { EventStream } from '../ingest/event-stream';
import type { CurateGlueJob } from '../pipeline/curate-glue-job';
import type { PipelineLambdas } from '../pipeline/pipeline-lambdas';
import type { PipelineStateMachine } from '../pipeline/pipeline-state-machine';
import { FIVE_MINUTES } from '../common/alarms';
import { pipelineMetric } from './pipeline-metric-alarms';

export interface OpsDashboardProps {
  /** resource name prefix: the dashboard is `<prefix>-operations` */
  readonly prefix: string;
  /** the stage, named in the dashboard's title */
  readonly stage: string;
  /** the ingest API (requests, errors, latency) */
  readonly ingestApi: apigw.RestApi;
  /** the stream and its delivery to raw/ */
  readonly events: EventStream;
  /** the pipeline's state machine and its warehouse-load failures */
  readonly pipeline: PipelineStateMachine;
  /** the pipeline's Task Lambdas (errors per function) */
  readonly functions: PipelineLambdas;
  /** the Glue job (failed runs) */
  readonly curateJob: CurateGlueJob;
  /** every alarm of the app, for the status widget */
  readonly alarms: cloudwatch.IAlarm[];
}

/** One CloudWatch dashboard with a row per stage of the flow: ingest, stream, pipeline, data quality, alarms. */
export class OpsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OpsDashboardProps) {
    super(scope, id);
    const api = props.ingestApi;
    const { stream, delivery } = props.events;
    const sm = props.pipeline.stateMachine;
    const fns = [...props.functions.functions.values()];
    const sum = { statistic: 'Sum', period: FIVE_MINUTES };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${props.prefix}-operations`,
      defaultInterval: Duration.days(1),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: `# retail-lake ${props.stage}: ingest -> stream -> pipeline -> warehouse`, width: 24, height: 1 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Ingest API requests and errors',
        left: [api.metricCount(sum), api.metricClientError(sum), api.metricServerError(sum)],
        right: [api.metricLatency({ statistic: 'p99', period: FIVE_MINUTES })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Kinesis: records in, iterator age, write throttling',
        left: [stream.metricIncomingRecords(sum), stream.metricWriteProvisionedThroughputExceeded(sum)],
        right: [stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: FIVE_MINUTES })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Firehose: delivery freshness (s) and records delivered',
        left: [delivery.metric('DeliveryToS3.DataFreshness', { statistic: 'Maximum', period: FIVE_MINUTES })],
        right: [delivery.metric('DeliveryToS3.Records', sum)],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Pipeline executions',
        left: [sm.metricStarted(sum), sm.metricSucceeded(sum), sm.metricFailed(sum), sm.metricTimedOut(sum)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Pipeline Lambda errors',
        left: fns.map((f) => f.fn.metricErrors({ ...sum, label: f.fn.node.id })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Glue job failures and warehouse load failures',
        left: [props.curateJob.alarm.metric, props.pipeline.warehouseLoadFailures],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Quarantine rate', left: [pipelineMetric('QuarantineRate')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Stock-outs (critical store x SKU)', left: [pipelineMetric('StockoutCount')], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Reconciliation gap', left: [pipelineMetric('ReconciliationGap')], width: 8 }),
    );
    this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 6 }));
  }
}
