import { App } from 'aws-cdk-lib';
import { loadStageConfig } from '../../../infra/lib/config';
import { dataRetention } from '../../../infra/lib/common/retention';
import { PROJECT_ROOT } from '../../../infra/lib/common/paths';
import { cdkJsonContext } from '../helpers';

type Json = Record<string, unknown>;

function configWith(stagePatch: (dev: Json) => void, extra: Json = {}) {
  const context = structuredClone(cdkJsonContext());
  stagePatch((context.stages as Json).dev as Json);
  return loadStageConfig(new App({ context: { ...context, ...extra } }).node, PROJECT_ROOT);
}

describe('stage configuration from CDK context', () => {
  it('reads dev and prod from cdk.json', () => {
    const dev = configWith(() => undefined);
    expect(dev).toMatchObject({ stage: 'dev', prefix: 'retail-lake-dev', removeDataOnDestroy: true });
    const prod = loadStageConfig(new App({ context: { ...cdkJsonContext(), stage: 'prod' } }).node, PROJECT_ROOT);
    expect(prod).toMatchObject({ stage: 'prod', prefix: 'retail-lake-prod', removeDataOnDestroy: false });
    expect(prod.pipeline.schedule).toMatch(/^cron\(/);
  });

  it('groups the store managers of the stores CSV', () => {
    const dev = configWith(() => undefined);
    expect(dev.consumers.storeManagers).toContainEqual({ email: 'manager.central@chicago.stores.example.com', storeIds: ['S003', 'S004'] });
    expect(dev.consumers.storeManagers).toHaveLength(4);
  });

  it('takes a list of managers instead of a CSV', () => {
    const c = configWith((dev) => {
      const consumers = dev.consumers as Json;
      delete consumers.storesCsv;
      consumers.storeManagers = [{ email: 'a@stores.example.com', storeIds: ['S1'] }];
    });
    expect(c.consumers.storeManagers).toEqual([{ email: 'a@stores.example.com', storeIds: ['S1'] }]);
  });

  it('lets -c removeDataOnDestroy=... override the stage, the one switch for data retention', () => {
    expect(configWith(() => undefined, { removeDataOnDestroy: 'false' }).removeDataOnDestroy).toBe(false);
    expect(dataRetention({ removeDataOnDestroy: false })).toEqual({ removalPolicy: 'retain', autoDeleteObjects: false });
    expect(dataRetention({ removeDataOnDestroy: true })).toEqual({ removalPolicy: 'destroy', autoDeleteObjects: true });
  });

  it('refuses an ingest body limit a synchronous Lambda invocation cannot carry (the ingest config bound)', () => {
    expect(() => configWith((dev) => void ((dev.ingest as Json).maxBodyBytes = 6 * 1024 * 1024))).toThrow(/maxBodyBytes/);
    expect(configWith((dev) => void ((dev.ingest as Json).maxBodyBytes = 5 * 1024 * 1024)).ingest.maxBodyBytes).toBe(5 * 1024 * 1024);
  });

  it('allows Lambda memory up to 10,240 MB once the stage says the account quota was raised', () => {
    const c = configWith((d) => Object.assign(d.pipeline as Json, { duckdbMemoryMb: 6144, lambdaMemoryQuotaRaised: true }));
    expect(c.pipeline).toMatchObject({ duckdbMemoryMb: 6144, lambdaMemoryQuotaRaised: true });
    expect(configWith(() => undefined).pipeline.lambdaMemoryQuotaRaised).toBe(false);
  });

  it('reports totals in USD unless the stage names another ISO 4217 currency', () => {
    expect(configWith(() => undefined).pipeline.reportingCurrency).toBe('USD');
    expect(configWith((d) => void ((d.pipeline as Json).reportingCurrency = 'EUR')).pipeline.reportingCurrency).toBe('EUR');
    expect(() => configWith((d) => void ((d.pipeline as Json).reportingCurrency = 'eur'))).toThrow(/pipeline\.reportingCurrency: must be an ISO 4217 code .* got "eur"/);
  });

  it.each([
    ['an unknown stage', () => undefined, { stage: 'qa' }, /stages\.qa: is not defined \(stages: dev, prod\)/],
    ['a bad schedule', (d: Json) => ((d.pipeline as Json).schedule = 'hourly'), {}, /pipeline\.schedule: "hourly" is not rate/],
    ['two AZs', (d: Json) => (d.availabilityZones = ['eu-west-1a', 'eu-west-1b']), {}, /three AZs/],
    ['a negative throttle', (d: Json) => ((d.ingest as Json).throttleRateLimit = -1), {}, /ingest\.throttleRateLimit: must be a number/],
    ['max capacity below base', (d: Json) => ((d.warehouse as Json).maxCapacityRpu = 4), {}, /maxCapacityRpu: must be >= baseCapacityRpu/],
    ['QuickSight without a principal', (d: Json) => ((d.consumers as Json).quicksight = { enabled: true }), {}, /quicksight\.principalArn: is required/],
    ['a bad alert e-mail', (d: Json) => (d.alertEmails = ['ops']), {}, /"ops" is not an e-mail address/],
    [
      'Lambda memory above the 3,008 MB a new account gets',
      (d: Json) => ((d.pipeline as Json).duckdbMemoryMb = 6144),
      {},
      /stages\.dev\.pipeline\.duckdbMemoryMb: 6144 MB exceeds the 3008 MB Lambda memory quota of a new account.*lambdaMemoryQuotaRaised: true/,
    ],
    ['Lambda memory above what any quota allows', (d: Json) => ((d.pipeline as Json).lambdaMemoryMb = 10241), {}, /pipeline\.lambdaMemoryMb: must be a whole number in 128\.\.10240/],
    ['a prefix too long for bucket names', (d: Json) => (d.prefix = 'retail-lake-with-a-very-long-stage-name'), {}, /longer than S3's 63/],
  ])('rejects %s, naming the setting', (_label, patch, extra, message) => {
    expect(() => configWith(patch as (d: Json) => void, extra)).toThrow(message);
  });
});
