import { App } from 'aws-cdk-lib';
import { loadStageConfig } from '../../../infra/lib/config';
import { dataRetention } from '../../../infra/lib/common/retention';
import { PROJECT_ROOT } from '../../../infra/lib/common/paths';
import { cdkJsonContext } from '../helpers';

type Json = Record<string, unknown>;

/** a manager of two stores in infra/config/stores.sample.csv (S003, S004) */
const CENTRAL = 'manager.central@chicago.stores.example.com';
const ROLE = 'arn:aws:iam::123456789012:role/store-manager-central';

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
    expect(dev.consumers.storeManagers).toContainEqual({ email: CENTRAL, storeIds: ['S003', 'S004'] });
    expect(dev.consumers.storeManagers).toHaveLength(4);
  });

  it("reads each manager's cloud identities, the manager's stores staying in the mapping", () => {
    const c = configWith((dev) => {
      (dev.consumers as Json).managerIdentities = [
        { email: CENTRAL, iamPrincipalArn: 'arn:aws:iam::123456789012:role/managers/central', quickSightUserArn: 'arn:aws:quicksight:us-east-1:123456789012:user/default/StoreManagers/central@example.com' },
        { email: 'manager.s001@seattle.stores.example.com', iamPrincipalArn: 'arn:aws:iam::123456789012:user/seattle' },
      ];
    });
    expect(c.consumers.managerIdentities).toEqual([
      { email: CENTRAL, iamPrincipalArn: 'arn:aws:iam::123456789012:role/managers/central', quickSightUserArn: 'arn:aws:quicksight:us-east-1:123456789012:user/default/StoreManagers/central@example.com' },
      { email: 'manager.s001@seattle.stores.example.com', iamPrincipalArn: 'arn:aws:iam::123456789012:user/seattle' },
    ]);
    expect(configWith(() => undefined).consumers.managerIdentities).toEqual([]);
  });

  const identities = (...list: Json[]) => (d: Json) => ((d.consumers as Json).managerIdentities = list);
  it.each([
    ['an e-mail that manages no store', identities({ email: 'boss@example.com', iamPrincipalArn: ROLE }), /consumers\.managerIdentities\[0\]\.email: "boss@example\.com" manages no store: it is not in the manager_email column of infra\/config\/stores\.sample\.csv/],
    ['an e-mail listed twice', identities({ email: CENTRAL, iamPrincipalArn: ROLE }, { email: CENTRAL, iamPrincipalArn: ROLE }), /managerIdentities\[1\]\.email: ".*" is listed twice/],
    ['an identity without an ARN', identities({ email: CENTRAL }), /managerIdentities\[0\]: needs iamPrincipalArn, quickSightUserArn or both/],
    ['an IAM ARN that is not a role or user', identities({ email: CENTRAL, iamPrincipalArn: 'arn:aws:iam::123456789012:group/managers' }), /managerIdentities\[0\]\.iamPrincipalArn: ".*" is not an IAM role or user ARN/],
    ['an IAM ARN without an account', identities({ email: CENTRAL, iamPrincipalArn: 'arn:aws:iam:::role/central' }), /managerIdentities\[0\]\.iamPrincipalArn/],
    ['a QuickSight group instead of a user', identities({ email: CENTRAL, quickSightUserArn: 'arn:aws:quicksight:eu-west-1:123456789012:group/default/managers' }), /managerIdentities\[0\]\.quickSightUserArn: ".*" is not a QuickSight user ARN \(arn:aws:quicksight:<region>:<account>:user\/<namespace>\/<name>\)/],
    ['a QuickSight user without a namespace', identities({ email: CENTRAL, quickSightUserArn: 'arn:aws:quicksight:eu-west-1:123456789012:user/central' }), /managerIdentities\[0\]\.quickSightUserArn/],
    ['the old storeAccess grants', (d: Json) => ((d.consumers as Json).storeAccess = []), /consumers\.storeAccess: is no longer read: list managerIdentities/],
    ['a list of managers besides the stores CSV', (d: Json) => ((d.consumers as Json).storeManagers = [{ email: CENTRAL, storeIds: ['S1'] }]), /consumers\.storeManagers: is no longer read: the managers come from the manager_email column/],
  ])('refuses %s, naming the key', (_label, patch, message) => {
    expect(() => configWith(patch)).toThrow(message);
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
