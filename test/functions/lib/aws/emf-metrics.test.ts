import { EmfMetricsPublisher } from '../../../../functions/lib/aws/emf-metrics';

describe('EmfMetricsPublisher', () => {
  it('writes one EMF record in namespace RetailLake with the service dimension the alarms use', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
    try {
      await new EmfMetricsPublisher({ POWERTOOLS_SERVICE_NAME: 'retail-lake-pipeline' }).publish([
        { name: 'QuarantineRate', value: 0.07, unit: 'None' },
        { name: 'StockoutCount', value: 12, unit: 'Count' },
      ]);
    } finally {
      spy.mockRestore();
      log.mockRestore();
    }
    const emf = lines.map((l) => l.trim()).filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(emf).toHaveLength(1);
    expect(emf[0]._aws.CloudWatchMetrics[0].Namespace).toBe('RetailLake');
    expect(emf[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service']]);
    expect(emf[0]).toMatchObject({ service: 'retail-lake-pipeline', QuarantineRate: 0.07, StockoutCount: 12 });
  });
});
