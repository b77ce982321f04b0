import { loadLocalDefinition } from '../../../local/pipeline/asl-resources';
import { successPathTasks, waitStates, type AslStates } from '../../../local/pipeline/asl-states';

describe('ASL walks', () => {
  const definition = loadLocalDefinition();

  it("lists the pipeline's success path: Choices by their Default, a poll loop left by its way forward", () => {
    expect(successPathTasks(definition)).toEqual([
      'PlanBatch', 'Validate', 'CurateWithLambda', 'CommitCheckpoint', 'PrepareLoads',
      'RefreshAthena', 'SummarizeBaskets', 'LoadWarehouse', 'DescribeLoad', 'RefreshDerivedTables', 'DescribeDerivedTables',
      'FitForecasts', 'StockRisk', 'PublishAlerts', 'Reconcile', 'RefreshDashboards', 'ReleaseRunLease',
    ]);
  });

  it('finds Wait states inside Parallel branches', () => {
    expect(waitStates(definition)).toEqual(['WaitForLoad', 'WaitForDerivedTables']);
    const nested: AslStates = {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'W', States: { W: { Type: 'Wait' } } }], Next: 'Top' },
        Top: { Type: 'Wait' },
      },
    };
    expect(waitStates(nested)).toEqual(['W', 'Top']);
  });
});
