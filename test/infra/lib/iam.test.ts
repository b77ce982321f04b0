import { resourcesOfType } from '../helpers';
import { STACK_KEYS, synthesizedStage, type SynthesizedStage } from '../synthesized-stage';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** Actions that have no resource-level permissions, the only ones allowed on Resource "*". */
const RESOURCELESS = [
  /^xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)$/,
  /^logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/,
  /^redshift-data:(DescribeStatement|GetStatementResult|CancelStatement)$/,
  /^cloudwatch:PutMetricData$/,
  /^ec2:(CreateNetworkInterface|ModifyNetworkInterfaceAttribute|DeleteNetworkInterface|DescribeSubnets|DescribeSecurityGroups)$/,
];

describe('IAM across the app', () => {
  let t: SynthesizedStage;
  beforeAll(async () => {
    t = await synthesizedStage({ stage: { consumers: { quicksight: { enabled: true, principalArn: 'arn:aws:quicksight:eu-west-1:123456789012:user/default/exec' } } } });
  });

  it('grants Resource "*" only for actions that have no resource ARNs', () => {
    const offending: string[] = [];
    for (const key of STACK_KEYS) {
      for (const [id, policy] of resourcesOfType(t.templates[key], 'AWS::IAM::Policy')) {
        for (const s of (policy.PolicyDocument as { Statement: Statement[] }).Statement) {
          if (s.Effect !== 'Allow' || ![s.Resource].flat().includes('*')) continue;
          for (const action of [s.Action].flat()) if (!RESOURCELESS.some((re) => re.test(action))) offending.push(`${t.stackNames[key]}/${id}: ${action}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('limits PutMetricData on "*" to the Glue namespace', () => {
    const pipeline = t.templates.pipeline;
    const metrics = resourcesOfType(pipeline, 'AWS::IAM::Policy')
      .flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => [s.Action].flat().includes('cloudwatch:PutMetricData'));
    expect(metrics).toHaveLength(1);
    expect(metrics[0].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'Glue' } });
  });

  it('uses no AWS managed policies on the app’s own roles', () => {
    for (const stackTemplate of Object.values(t.templates)) {
      for (const [id, role] of resourcesOfType(stackTemplate, 'AWS::IAM::Role')) {
        // CDK's own helper roles: AwsCustomResource and API Gateway's account role (acknowledged in docs/deploy.md),
        // and the bucket auto-delete provider of stages that may destroy data
        if (/^AWS679f53fac002430cb0da5b7982bd2287|CloudWatchRole|^CustomS3AutoDeleteObjectsCustomResourceProviderRole/.test(id)) continue;
        expect({ id, managed: role.ManagedPolicyArns }).toEqual({ id, managed: undefined });
      }
    }
  });
});
