import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_STEPS } from '../../functions/pipeline/steps';

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Branches?: { States: Record<string, AslState> }[];
}

function lambdaTasks(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, s]): [string, AslState][] => {
    if (s.Type === 'Parallel') return (s.Branches ?? []).flatMap((b) => lambdaTasks(b.States));
    return s.Type === 'Task' && s.Resource?.startsWith('${') ? [[name, s]] : [];
  });
}

/**
 * Without TimeoutSeconds a Task waits as long as its Lambda may run in AWS, but the local runner
 * (aws-local-stepfunctions) gives it 60 s, and a large batch on a busy machine was parked for that. The ASL says
 * the Lambda's own timeout, so both runners allow the same time.
 */
describe('pipeline state machine task timeouts', () => {
  const asl = JSON.parse(readFileSync(join(__dirname, '../../statemachines/pipeline.asl.json'), 'utf8')) as { States: Record<string, AslState> };

  it("every Lambda Task's TimeoutSeconds is its function's timeout", () => {
    const tasks = lambdaTasks(asl.States);
    expect(tasks.length).toBeGreaterThan(8);
    for (const [name, task] of tasks) {
      const step = PIPELINE_STEPS.find((s) => task.Resource === `\${${s.substitution}}`);
      expect({ name, step: step?.name }).toEqual({ name, step: expect.any(String) });
      expect({ name, timeout: task.TimeoutSeconds }).toEqual({ name, timeout: step!.timeoutMinutes * 60 });
    }
  });
});
