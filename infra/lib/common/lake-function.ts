import { basename, join } from 'node:path';
import { type Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../../functions/lib/metric-names';
import { FIVE_MINUTES, opsAlarm } from './alarms';
import { acknowledge } from './nag';
import { acknowledgeWildcards } from './iam-findings';
import { PROJECT_ROOT } from './paths';

/** Modules the bundles leave out: the SDK is in the Lambda runtime; DuckDB is native and comes from a layer. */
export const EXTERNAL_MODULES = ['@aws-sdk/*', '@duckdb/node-api'];
/** esbuild's settings for every bundle, as NodejsFunction passes them (test/helpers/lambda-bundle.ts builds the same way). */
export const BUNDLE_OPTIONS = { target: 'node24', minify: true, sourceMap: true } as const;
/** Where a bundle finds sql/ (functions/lib/sql-files.ts reads SQL_ROOT). */
export const LAMBDA_SQL_ROOT = '/var/task/sql';

export interface LakeFunctionProps {
  /** the function's name; its log group is `/aws/lambda/<functionName>` and its alarms start with it */
  readonly functionName: string;
  /** the function's description */
  readonly description: string;
  /** the handler file (exports `handler`) */
  readonly entry: string;
  /**
   * extra environment variables, next to the Powertools settings
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * memory in MB
   * @default 512
   */
  readonly memorySize?: number;
  /** the function's timeout */
  readonly timeout: Duration;
  /**
   * /tmp size in MiB
   * @default - Lambda's default (512 MiB)
   */
  readonly ephemeralStorageMiB?: number;
  /**
   * layers the function loads
   * @default - none
   */
  readonly layers?: lambda.ILayerVersion[];
  /**
   * ship sql/ in the bundle and set SQL_ROOT
   * @default false
   */
  readonly withSql?: boolean;
  /**
   * worker-thread entries (project-relative .ts paths), each bundled to `<name>.js` beside index.js
   * @default - none
   */
  readonly workers?: string[];
  /** Powertools service name (dimension of the function's custom metrics) */
  readonly serviceName: string;
  /** where its alarms go */
  readonly alarmTopic: sns.ITopic;
  /** how long its log group keeps events */
  readonly logRetention: logs.RetentionDays;
  /**
   * reserved concurrency
   * @default - none (the account's unreserved pool)
   */
  readonly reservedConcurrentExecutions?: number;
}

/** Memory of a LakeFunction that does not set memorySize. */
const DEFAULT_MEMORY_MB = 512;

/** esbuild, as NodejsFunction runs it, for a worker entry: same target and externals, output `<name>.js`. */
export function workerBundleCommand(worker: string, outputDir: string): string {
  const out = join(outputDir, `${basename(worker, '.ts')}.js`);
  const externals = EXTERNAL_MODULES.map((m) => `--external:${m}`).join(' ');
  return `"${join(PROJECT_ROOT, 'node_modules', '.bin', 'esbuild')}" "${join(PROJECT_ROOT, worker)}" --bundle --platform=node --target=${BUNDLE_OPTIONS.target} --format=cjs --minify --sourcemap ${externals} --outfile="${out}"`;
}

/**
 * A Lambda the way every one in this app is built: bundled by a local esbuild (no Docker), Node.js 24, X-Ray
 * tracing, its own log group with retention, its own role (no managed policies), Powertools settings, and its
 * alarms (error rate, throttles) routed to the ops topic.
 */
export class LakeFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: LakeFunctionProps) {
    super(scope, id);
    const { functionName } = props;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName} execution role`,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = this.createFunction(props);
    acknowledge(this.role, 'xrayTracing');
    acknowledgeWildcards(this.role, 'logStreams', { resources: [`${this.logGroup.logGroupArn}:*`] });
    this.alarms = this.createAlarms(props);
  }

  private createFunction(props: LakeFunctionProps): nodejs.NodejsFunction {
    return new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.X86_64, // the DuckDB layer carries linux-x64 binaries
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout,
      ephemeralStorageSize: props.ephemeralStorageMiB ? Size.mebibytes(props.ephemeralStorageMiB) : undefined,
      role: this.role,
      logGroup: this.logGroup,
      tracing: lambda.Tracing.ACTIVE,
      layers: props.layers,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...(props.withSql ? { SQL_ROOT: LAMBDA_SQL_ROOT } : {}),
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        externalModules: EXTERNAL_MODULES,
        ...BUNDLE_OPTIONS,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            ...(props.withSql ? [`cp -R "${join(PROJECT_ROOT, 'sql')}" "${outputDir}/sql"`] : []),
            ...(props.workers ?? []).map((worker) => workerBundleCommand(worker, outputDir)),
          ],
        },
      },
    });
  }

  /** Error rate and throttles, to the alarm topic. */
  private createAlarms(props: LakeFunctionProps): cloudwatch.Alarm[] {
    const { functionName } = props;
    const fiveMinuteSum = { statistic: 'Sum', period: FIVE_MINUTES };
    // errors * 100 / invocations above 5% in 2 of 3 five-minute periods; no invocations is not an alarm.
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: { errors: this.fn.metricErrors(fiveMinuteSum), invocations: this.fn.metricInvocations(fiveMinuteSum) },
      label: 'error rate %',
      period: FIVE_MINUTES,
    });
    return [
      opsAlarm(this, 'ErrorRateAlarm', {
        alarmName: `${functionName}-error-rate`,
        alarmDescription: `${functionName}: more than 5% of invocations failed`,
        metric: errorRate,
        threshold: 5,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        topic: props.alarmTopic,
      }),
      opsAlarm(this, 'ThrottleAlarm', {
        alarmName: `${functionName}-throttles`,
        alarmDescription: `${functionName}: invocations were throttled`,
        metric: this.fn.metricThrottles(fiveMinuteSum),
        topic: props.alarmTopic,
      }),
    ];
  }
}
