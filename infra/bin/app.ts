import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig } from '../lib/config';
import { buildRetailLake } from '../lib/retail-lake-app';
import { PROJECT_ROOT } from '../lib/common/paths';

// `npx cdk synth -c stage=prod`; stage settings come from cdk.json's context (docs/deploy.md).
const app = new App();
const config = loadStageConfig(app.node, PROJECT_ROOT);
buildRetailLake(app, config);
// cdk-nag 3 runs as a validation plugin: any unacknowledged AwsSolutions finding fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
