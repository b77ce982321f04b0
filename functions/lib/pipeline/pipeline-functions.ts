/**
 * The pipeline's Lambda-backed Tasks: the ASL substitution that names each one's ARN, and the handler folder
 * under functions/. The CDK app creates one function per entry; the local runner maps each to its handler.
 */
export const PIPELINE_FUNCTIONS = {
  PlanBatchFunctionArn: 'plan-batch',
  ValidateBatchFunctionArn: 'validate-batch',
  CurateBatchFunctionArn: 'curate-batch',
  CommitCheckpointFunctionArn: 'commit-checkpoint',
  PrepareLoadsFunctionArn: 'prepare-loads',
  StockRiskFunctionArn: 'stock-risk',
  PublishAlertsFunctionArn: 'publish-alerts',
  ReconcileFunctionArn: 'reconcile',
  RefreshDashboardsFunctionArn: 'refresh-dashboards',
} as const;

export type PipelineFunctionName = (typeof PIPELINE_FUNCTIONS)[keyof typeof PIPELINE_FUNCTIONS];

/** Substitutions that name topics: the topic each one publishes to. */
export const PIPELINE_TOPICS = { DataQualityTopicArn: 'data-quality', OpsTopicArn: 'ops' } as const;
