import { Match, Template } from 'aws-cdk-lib/assertions';
import { resourcesOfType } from '../../helpers';
import { synthesizedStage, type SynthesizedStage } from '../../synthesized-stage';

describe('observability stack', () => {
  let t: SynthesizedStage;
  let template: Template;
  beforeAll(async () => {
    t = await synthesizedStage();
    template = t.templates.observability;
  });

  it('alarms on the pipeline metrics in the RetailLake namespace', () => {
    for (const [metric, threshold] of [
      ['QuarantineRate', t.config.pipeline.quarantineAlertRate],
      ['StockoutCount', t.config.observability.stockoutThreshold],
      ['ReconciliationGap', t.config.observability.reconciliationGapThreshold],
      ['BatchesParked', 0], // every parked batch alarms
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'RetailLake',
        MetricName: metric,
        Dimensions: [{ Name: 'service', Value: 'retail-lake-pipeline' }],
        Threshold: threshold,
        AlarmActions: [Match.anyValue()],
      });
    }
  });

  it('alarms on |ForecastBias| above 10%, too high or too low', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 10,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'ABS(bias)' }),
        Match.objectLike({ Id: 'bias', MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'RetailLake', MetricName: 'ForecastBias' }) }), ReturnData: false }),
      ]),
      AlarmActions: [Match.anyValue()],
    });
  });

  it('draws one operations dashboard', () => {
    const [, dashboard] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard')[0];
    expect(dashboard.DashboardName).toBe('retail-lake-dev-operations');
    const body = JSON.stringify(dashboard.DashboardBody);
    for (const metric of ['IteratorAgeMilliseconds', 'DeliveryToS3.DataFreshness', 'ExecutionsFailed', 'QuarantineRate', 'WarehouseLoadFailures']) {
      expect(body).toContain(metric);
    }
  });

  it('routes every alarm of the app to the ops topic', () => {
    let count = 0;
    for (const stackTemplate of Object.values(t.templates)) {
      for (const [, alarm] of resourcesOfType(stackTemplate, 'AWS::CloudWatch::Alarm')) {
        count++;
        expect(JSON.stringify(alarm.AlarmActions)).toMatch(/Topicsops/);
      }
    }
    expect(count).toBeGreaterThan(30);
  });

  it('passes the AwsSolutions rules', () => {
    expect(t.nagFindings.observability).toEqual([]);
  });
});
