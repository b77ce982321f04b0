import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { loadStageConfig } from '../../../infra/lib/config';
import { PIPELINE_ASL } from '../../../infra/lib/pipeline/pipeline-state-machine';
import { buildRetailLake } from '../../../infra/lib/retail-lake-app';
import { PROJECT_ROOT } from '../../../infra/lib/common/paths';
import { AWS_QUOTAS } from '../../../infra/lib/common/quotas';
import { DASHBOARDS } from '../../../dashboards';
import { cdkJsonContext } from '../helpers';

/**
 * Every stage of cdk.json with every optional feature on (QuickSight with its dashboards and managers' row-level
 * security, Lake Formation store row filters, 1,000 store managers; the Glue path is always deployed), synthesized once each with CloudFormation's built-in validation, as
 * `cdk synth` runs it, then checked against the quotas a new account has (infra/lib/common/quotas.ts). No other
 * suite reads these variants, so they are synthesized here rather than through the shared synth cache
 * (test/infra/synthesized-stage.ts), whose stages skip the validation.
 */

type Json = Record<string, unknown>;
type Resource = { Type: string; Properties?: Json; Metadata?: Record<string, string> };
type CfnTemplate = { Resources?: Record<string, Resource> };

const STAGES = Object.keys(cdkJsonContext().stages as Json);
const STORES = 1000;

/** A stores CSV of `count` stores, each with its own manager. */
function writeStoresCsv(dir: string, count: number): string {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = `S${String(i + 1).padStart(4, '0')}`;
    return `${id},Store ${id},Region ${i % 7},manager.${id.toLowerCase()}@stores.example.com,Europe/Dublin,10000`;
  });
  const file = join(dir, 'stores-1000.csv');
  writeFileSync(file, ['store_id,store_name,region,manager_email,timezone,target_daily_revenue', ...rows].join('\n'));
  return file;
}

/** The stage of cdk.json with every optional feature on. */
const everyFeature = (stage: Json, storesCsv: string): Json => ({
  ...stage,
  consumers: {
    ...(stage.consumers as Json),
    storesCsv,
    managerIdentities: [
      { email: 'manager.s0001@stores.example.com', iamPrincipalArn: 'arn:aws:iam::123456789012:role/store-manager-s0001' },
      {
        email: 'manager.s0002@stores.example.com',
        iamPrincipalArn: 'arn:aws:iam::123456789012:role/store-manager-s0002',
        quickSightUserArn: 'arn:aws:quicksight:eu-west-1:123456789012:user/default/manager-s0002',
      },
    ],
    quicksight: { enabled: true, principalArn: 'arn:aws:quicksight:eu-west-1:123456789012:group/default/executives' },
  },
});

interface Variant {
  /** the synth's failure, with the validation report's findings; undefined when it passed */
  error?: string;
  /** every template of the assembly by file name, nested stacks included */
  templates: Record<string, CfnTemplate>;
  /** how long the synth with validation took */
  ms: number;
}

/** The findings of a failed synth's validation report, one line each. */
function reportFindings(outdir: string): string[] {
  try {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: { ruleName: string; description: string; violatingResources: { resourceLogicalId: string; templatePath: string }[] }[] }[];
    };
    return report.pluginReports.flatMap((p) =>
      (p.violations ?? []).flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.resourceLogicalId} (${r.templatePath}): ${v.description}`)),
    );
  } catch {
    return [];
  }
}

function synthVariant(stage: string, storesCsv: string, outdir: string): Variant {
  const started = Date.now();
  let error: string | undefined;
  const base = cdkJsonContext();
  const stages = base.stages as Record<string, Json>;
  const context: Json = {
    ...base,
    stage,
    stages: { ...stages, [stage]: everyFeature(stages[stage], storesCsv) },
    // no esbuild and no layer copy: the validation reads templates; app-synth.test.ts bundles
    'aws:cdk:bundling-stacks': [],
    // nested stack resources name their template file, to follow a subscription's topic to the parent stack
    'aws:cdk:enable-asset-metadata': true,
  };
  try {
    // builtinCloudFormationValidation defaults to on, as in `cdk synth`: synth() throws on any error
    const app = new App({ context, outdir });
    buildRetailLake(app, loadStageConfig(app.node, PROJECT_ROOT));
    app.synth();
  } catch (err) {
    error = [(err as Error).message, ...reportFindings(outdir)].join('\n');
  }
  const templates: Record<string, CfnTemplate> = {};
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.template.json'))) {
    templates[file] = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as CfnTemplate;
  }
  return { error, templates, ms: Date.now() - started };
}

const resourcesOf = (v: Variant, type: string): [string, string, Resource][] =>
  Object.entries(v.templates).flatMap(([file, t]) =>
    Object.entries(t.Resources ?? {})
      .filter(([, r]) => r.Type === type)
      .map(([id, r]): [string, string, Resource] => [file, id, r]),
  );

/**
 * The filtered subscriptions of every topic, by topic name: a nested stack's TopicArn is a parameter, followed to
 * the parent template's topic through the nested stack resource (found by its asset path).
 */
function filterPoliciesByTopic(v: Variant): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  const topicName = (file: string, logicalId: string): string => String(v.templates[file].Resources?.[logicalId]?.Properties?.TopicName ?? `${file}#${logicalId}`);
  const parentOf = new Map(resourcesOf(v, 'AWS::CloudFormation::Stack').map(([file, , r]) => [String(r.Metadata?.['aws:asset:path']), { file, params: (r.Properties?.Parameters ?? {}) as Record<string, { Ref?: string }> }]));
  for (const [file, , sub] of resourcesOf(v, 'AWS::SNS::Subscription')) {
    const policy = sub.Properties?.FilterPolicy as Json | undefined;
    if (!policy) continue;
    const ref = (sub.Properties?.TopicArn as { Ref?: string }).Ref ?? '';
    const parent = parentOf.get(file);
    const name = parent ? topicName(parent.file, parent.params[ref]?.Ref ?? ref) : topicName(file, ref);
    out.set(name, [...(out.get(name) ?? []), policy]);
  }
  return out;
}

/**
 * The deployed length of a template value. Names and ARNs this app resolves at deploy time (Ref, GetAtt, imports)
 * are `<prefix>-<name>` based and stay under 128 characters; a join adds up its parts.
 */
function deployedLength(value: unknown): number {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.reduce<number>((n, p) => n + deployedLength(p), separator.length * Math.max(0, parts.length - 1));
  }
  return 128;
}

/** The states of the ASL, those of Parallel branches and Map item processors included. */
function allStates(states: Record<string, Json>): [string, Json][] {
  return Object.entries(states).flatMap(([name, s]): [string, Json][] => {
    const nested = [
      ...((s.Branches as { States: Record<string, Json> }[] | undefined) ?? []),
      ...[(s.ItemProcessor ?? s.Iterator) as { States: Record<string, Json> } | undefined].filter((x) => x !== undefined),
    ];
    return [[name, s], ...nested.flatMap((b) => allStates(b.States))];
  });
}

describe.each(STAGES)('stage %s with every optional feature on', (stage) => {
  const dir = mkdtempSync(join(tmpdir(), `retail-lake-${stage}-variants-`));
  let v: Variant;
  beforeAll(() => {
    const outdir = join(dir, 'cdk.out');
    v = synthVariant(stage, writeStoresCsv(dir, STORES), outdir);
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('synthesizes with CloudFormation validation on and no error', () => {
    expect(v.error).toBeUndefined();
    // the features are on: QuickSight datasets and dashboards, row filters, the Glue job, a subscription per manager
    expect(resourcesOf(v, 'AWS::QuickSight::DataSet').length).toBeGreaterThan(0);
    expect(resourcesOf(v, 'AWS::QuickSight::Analysis')).toHaveLength(DASHBOARDS.length);
    expect(resourcesOf(v, 'AWS::QuickSight::Dashboard')).toHaveLength(DASHBOARDS.length);
    expect(resourcesOf(v, 'AWS::LakeFormation::DataCellsFilter').length).toBeGreaterThan(0);
    expect(resourcesOf(v, 'AWS::Glue::Job')).toHaveLength(1);
    expect(resourcesOf(v, 'AWS::SNS::Subscription').filter(([, , r]) => r.Properties?.FilterPolicy)).toHaveLength(STORES);
    // how long the validated synth takes (the suite's budget: CI stays under 20 minutes)
    expect(v.ms).toBeLessThan(300_000);
  });

  it('keeps SNS filter policies within the per-topic and per-policy quotas', () => {
    const byTopic = filterPoliciesByTopic(v);
    const over: string[] = [];
    for (const [topic, policies] of byTopic) {
      if (policies.length > AWS_QUOTAS.snsFilterPoliciesPerTopic) over.push(`${topic}: ${policies.length} filter policies`);
      for (const p of policies) {
        const values = Object.values(p).reduce<number>((n, list) => n * (list as unknown[]).length, 1);
        if (Object.keys(p).length > AWS_QUOTAS.snsFilterPolicyKeys || values > AWS_QUOTAS.snsFilterPolicyValues) over.push(`${topic}: ${JSON.stringify(p)}`);
      }
    }
    expect(over).toEqual([]);
    expect(byTopic.size).toBeGreaterThanOrEqual(Math.ceil(STORES / AWS_QUOTAS.snsFilterPoliciesPerTopic));
  });

  it("keeps every Lambda within a new account's memory, /tmp and environment quotas", () => {
    const functions = resourcesOf(v, 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    const over: string[] = [];
    for (const [, id, fn] of functions) {
      const p = fn.Properties ?? {};
      const memory = Number(p.MemorySize ?? 128);
      const tmp = Number((p.EphemeralStorage as { Size?: number } | undefined)?.Size ?? 512);
      const variables = ((p.Environment as { Variables?: Json } | undefined)?.Variables ?? {}) as Json;
      const envBytes = Object.entries(variables).reduce((n, [name, value]) => n + name.length + deployedLength(value), 0);
      if (memory > AWS_QUOTAS.lambdaMemoryMb) over.push(`${id}: MemorySize ${memory}`);
      if (tmp > AWS_QUOTAS.lambdaEphemeralStorageMb) over.push(`${id}: EphemeralStorage ${tmp}`);
      if (envBytes > AWS_QUOTAS.lambdaEnvironmentBytes) over.push(`${id}: environment of about ${envBytes} bytes`);
    }
    expect(over).toEqual([]);
  });

  it('keeps the state machine definition under 1 MB', () => {
    const machines = resourcesOf(v, 'AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(1);
    const p = machines[0][2].Properties ?? {};
    const substitutions = Object.values((p.DefinitionSubstitutions ?? {}) as Json).reduce<number>((n, s) => n + deployedLength(s), 0);
    expect(deployedLength(p.DefinitionString) + substitutions).toBeLessThan(AWS_QUOTAS.stepFunctionsDefinitionBytes);
  });
});

describe('the pipeline state payload', () => {
  const asl = JSON.parse(readFileSync(PIPELINE_ASL, 'utf8')) as { States: Record<string, Json> };
  const tasks = allStates(asl.States).filter(([, s]) => s.Type === 'Task');

  // Step Functions fails a state whose input or output passes 256 KB. Service integrations answer with whole API
  // responses (describeStatement echoes every SQL statement of the load; Athena's .sync the query and its
  // statistics): each keeps only the fields the next states read, or drops the response.
  it('keeps only the fields it reads from every service integration response', () => {
    const services = tasks.filter(([, s]) => String(s.Resource).startsWith('arn:aws:states:::'));
    expect(services.length).toBeGreaterThan(0);
    expect(services.filter(([, s]) => s.ResultPath !== null && s.ResultSelector === undefined).map(([name]) => name)).toEqual([]);
  });

  // A Lambda step's result is its typed, small PipelineState section (functions/lib/pipeline/state.ts): large lists
  // (the alert list, the load's files) stay in S3. Each goes to its own key, so no result grows another.
  it('puts each Lambda step result under its own key of the state', () => {
    const lambdas = tasks.filter(([, s]) => String(s.Resource).startsWith('${'));
    const paths = lambdas.map(([, s]) => s.ResultPath).filter((p) => p !== null);
    for (const p of paths) expect(p).toMatch(/^\$\.[a-zA-Z]+$/);
    expect(new Set(paths).size).toBe(paths.length);
  });
});
