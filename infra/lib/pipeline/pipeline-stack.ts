import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import type { AlertTopics } from '../shared/alert-topics';
import type { LakeStack } from '../lake/lake-stack';
import { handlerEntry } from '../shared/paths';
import type { RedshiftWarehouse } from '../warehouse/redshift-warehouse';
import { AthenaWorkgroup } from '../shared/athena-workgroup';
import { CurateGlueJob } from './curate-glue-job';
import { DuckDbLayer } from './duckdb-layer';
import { PipelineLambdas } from './pipeline-lambdas';
import { PipelineStateMachine } from './pipeline-state-machine';

export interface PipelineStackProps extends StackProps {
  config: StageConfig;
  lake: LakeStack;
  topics: AlertTopics;
  warehouse: RedshiftWarehouse;
  entryFor?: (name: string) => string;
}

/** The scheduled pipeline: its Lambdas, the Glue job, the pipeline's Athena workgroup and the state machine. */
export class PipelineStack extends Stack {
  readonly athena: AthenaWorkgroup;
  readonly curateJob: CurateGlueJob;
  readonly functions: PipelineLambdas;
  readonly pipeline: PipelineStateMachine;

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    super(scope, id, props);
    const { config } = props;
    const buckets = props.lake.bucketsFor(this);
    this.athena = new AthenaWorkgroup(this, 'Athena', {
      name: `${config.prefix}-pipeline`,
      description: 'The pipeline: derived-table refresh and reconciliation queries',
      results: buckets.athenaResults,
      resultsPrefix: 'pipeline/',
      key: buckets.key,
      recursiveDelete: true,
    });
    this.curateJob = new CurateGlueJob(this, 'CurateJob', { config, curated: buckets.curated, key: buckets.key, alarmTopic: props.topics.ops });
    this.functions = new PipelineLambdas(this, 'Functions', {
      config,
      buckets,
      topics: props.topics,
      warehouse: props.warehouse,
      athena: this.athena,
      duckdb: new DuckDbLayer(this, 'DuckDb'),
      entryFor: props.entryFor ?? handlerEntry,
    });
    this.pipeline = new PipelineStateMachine(this, 'Pipeline', {
      config,
      functions: this.functions,
      curateJob: this.curateJob.job,
      topics: props.topics,
      athena: this.athena,
      warehouse: props.warehouse,
      curated: buckets.curated,
      quarantine: buckets.quarantine,
    });
  }
}
