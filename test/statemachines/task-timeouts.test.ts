import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_STEPS } from '../../functions/pipeline/steps';
import { CURATE_GLUE_TIMEOUT_MINUTES } from '../../infra/lib/pipeline/curate-glue-job';

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Branches?: { States: Record<string, AslState> }[];
}

function tasks(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, s]): [string, AslState][] => {
    if (s.Type === 'Parallel') return (s.Branches ?? []).flatMap((b) => tasks(b.States));
    return s.Type === 'Task' ? [[name, s]] : [];
  });
}

const lambdaTasks = (states: Record<string, AslState>): [string, AslState][] => tasks(states).filter(([, s]) => s.Resource?.startsWith('${'));

/**
 * Without TimeoutSeconds a Task waits as long as its Lambda may run in AWS, but the local runner
 * (aws-local-stepfunctions) gives it 60 s, and a large batch on a busy machine was parked for that. The ASL says
 * the Lambda's own timeout, so both runners allow the same time.
 */
describe('pipeline state machine task timeouts', () => {
  const asl = JSON.parse(readFileSync(join(__dirname, '../../statemachines/pipeline.asl.json'), 'utf8')) as { States: Record<string, AslState>; TimeoutSeconds: number };

  it("every Lambda Task's TimeoutSeconds is its function's timeout", () => {
    const tasks = lambdaTasks(asl.States);
    expect(tasks.length).toBeGreaterThan(8);
    for (const [name, task] of tasks) {
      const step = PIPELINE_STEPS.find((s) => task.Resource === `\${${s.substitution}}`);
      expect({ name, step: step?.name }).toEqual({ name, step: expect.any(String) });
      expect({ name, timeout: task.TimeoutSeconds }).toEqual({ name, timeout: step!.timeoutMinutes * 60 });
    }
  });

  it('every other Task states its TimeoutSeconds too, so that neither runner picks its own default', () => {
    const service = tasks(asl.States).filter(([, s]) => !s.Resource?.startsWith('${'));
    expect(service.map(([name]) => name)).toEqual(expect.arrayContaining(['CurateWithGlue', 'RefreshAthena', 'LoadWarehouse', 'DescribeLoad', 'NotifyFailure']));
    for (const [name, task] of service) expect({ name, timeout: task.TimeoutSeconds }).toEqual({ name, timeout: expect.any(Number) });
  });

  it("CurateWithGlue's TimeoutSeconds is the Glue job's own timeout, within the execution's", () => {
    const glue = tasks(asl.States).find(([name]) => name === 'CurateWithGlue')![1];
    expect(glue.TimeoutSeconds).toBe(CURATE_GLUE_TIMEOUT_MINUTES * 60);
    expect(glue.TimeoutSeconds).toBeLessThan(asl.TimeoutSeconds);
  });
});
