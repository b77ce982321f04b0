import { RemovalPolicy } from 'aws-cdk-lib';
import type { StageConfig } from '../config';

/**
 * The one place that decides whether data survives `cdk destroy` (docs/architecture.md §9). Buckets, Glue tables, the
 * warehouse namespace and the KMS key RETAIN unless the stage sets `removeDataOnDestroy`.
 */
export interface DataRetention {
  removalPolicy: RemovalPolicy;
  /** empty buckets on delete (only when data may be destroyed) */
  autoDeleteObjects: boolean;
}

export function dataRetention(config: Pick<StageConfig, 'removeDataOnDestroy'>): DataRetention {
  return config.removeDataOnDestroy
    ? { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true }
    : { removalPolicy: RemovalPolicy.RETAIN, autoDeleteObjects: false };
}
