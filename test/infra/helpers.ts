import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig, type StageConfig } from '../../infra/lib/config';
import { buildRetailLake, type RetailLakeStacks } from '../../infra/lib/retail-lake-app';
import { PROJECT_ROOT } from '../../infra/lib/shared/paths';

type Json = Record<string, unknown>;

/** The context of cdk.json (what `npm run synth` uses). */
export function cdkJsonContext(): Json {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json }).context;
}

function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Json, v as Json) : v;
  }
  return out;
}

export interface TestAppOptions {
  /** merged into cdk.json's stages.dev */
  stage?: Json;
  /** extra top-level context */
  context?: Json;
  /** run esbuild and the layer copy (slower); off by default: tests look at templates, `npm run synth` bundles */
  bundling?: boolean;
}

export interface TestApp {
  app: App;
  config: StageConfig;
  stacks: RetailLakeStacks;
}

/** The whole app as bin/app.ts builds it, with the dev stage (plus overrides), synthesized once. */
export function synthTestApp(options: TestAppOptions = {}): TestApp {
  const base = cdkJsonContext();
  const stages = base.stages as Json;
  const context: Json = {
    ...base,
    stage: 'dev',
    stages: { ...stages, dev: deepMerge(stages.dev as Json, options.stage ?? {}) },
    ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    ...options.context,
  };
  // The built-in CloudFormation schema validation runs in `npm run synth` and in app.test.ts; here it only costs time.
  const app = new App({ context, builtinCloudFormationValidation: false });
  const config = loadStageConfig(app.node, PROJECT_ROOT);
  const stacks = buildRetailLake(app, config);
  app.synth();
  return { app, config, stacks };
}

/** cdk-nag AwsSolutions findings that are not acknowledged, as `rule at construct path`. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));
}

/** The resources of a template of one type, as [logicalId, properties]. */
export function resourcesOfType(template: { toJSON(): Json }, type: string): [string, Json][] {
  const resources = (template.toJSON().Resources ?? {}) as Record<string, { Type: string; Properties?: Json }>;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}
