import { RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';

/**
 * The one place that decides whether data survives `cdk destroy` (docs/architecture.md §9). Buckets, Glue tables, the
 * warehouse namespace and the KMS key RETAIN unless the stage sets `removeDataOnDestroy`.
 */
export interface DataRetention {
  readonly removalPolicy: RemovalPolicy;
  /** empty buckets on delete (only when data may be destroyed) */
  readonly autoDeleteObjects: boolean;
}

/** The removal settings of data resources; constructs holding data take `removeDataOnDestroy` (default false). */
export function dataRetention(options: { readonly removeDataOnDestroy?: boolean }): DataRetention {
  return options.removeDataOnDestroy
    ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
    : { removalPolicy: RemovalPolicy.RETAIN, autoDeleteObjects: false };
}

/** A stage's `logRetentionDays` as CloudWatch Logs retention (a number CloudWatch does not offer fails the deployment). */
export function logRetention(days: number): logs.RetentionDays {
  return days as logs.RetentionDays;
}
