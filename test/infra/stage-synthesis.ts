import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig } from '../../infra/lib/config';
import { buildRetailLake } from '../../infra/lib/retail-lake-app';
import { PROJECT_ROOT } from '../../infra/lib/common/paths';
import { cdkJsonContext } from './helpers';
import { STACK_KEYS, STAGE_FILE, type StageOverrides, type StageRecord } from './synthesized-stage';

type Json = Record<string, unknown>;

function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? deepMerge(b as Json, v as Json) : v;
  }
  return out;
}

/** cdk-nag AwsSolutions findings that are not acknowledged, as `rule at construct path`. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks().validateScope(stack);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? r.resourceLogicalId}`));
}

/**
 * Builds the app with the dev stage plus overrides, synthesizes it into `<dir>/assembly` and, while the construct
 * tree is at hand, runs cdk-nag on every stack; writes what the suites read (STAGE_FILE) last.
 */
export function synthesizeStage(overrides: StageOverrides, dir: string): void {
  const base = cdkJsonContext();
  const stages = base.stages as Json;
  const context: Json = {
    ...base,
    stage: 'dev',
    stages: { ...stages, dev: deepMerge(stages.dev as Json, overrides.stage ?? {}) },
    // no esbuild and no layer copy: the suites look at templates; app-synth.test.ts bundles
    'aws:cdk:bundling-stacks': [],
    ...overrides.context,
  };
  // The built-in CloudFormation schema validation runs in `npm run synth` and in app-synth.test.ts; here it only costs time.
  mkdirSync(dir, { recursive: true });
  const app = new App({ context, outdir: join(dir, 'assembly'), builtinCloudFormationValidation: false });
  const config = loadStageConfig(app.node, PROJECT_ROOT);
  const stacks = buildRetailLake(app, config);
  const assembly = app.synth();
  const record: StageRecord = {
    config,
    stacks: Object.fromEntries(
      STACK_KEYS.map((key) => {
        const stack = stacks[key];
        const nested = stack.node.findAll().filter((c): c is Stack => Stack.isStack(c) && c.nestedStackParent === stack);
        const entry = {
          stackName: stack.stackName,
          templateFile: assembly.getStackArtifact(stack.artifactId).templateFile,
          nestedTemplateFiles: nested.map((n) => n.templateFile),
          nagFindings: nagFindings(stack),
        };
        return [key, entry];
      }),
    ) as StageRecord['stacks'],
  };
  writeFileSync(join(dir, `${STAGE_FILE}.tmp`), JSON.stringify(record));
  renameSync(join(dir, `${STAGE_FILE}.tmp`), join(dir, STAGE_FILE));
}
