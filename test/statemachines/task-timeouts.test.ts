import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_STEPS } from '../../functions/pipeline/steps';
import { CURATE_GLUE_TIMEOUT_MINUTES } from '../../infra/lib/pipeline/curate-glue-job';

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Branches?: { States: Record<string, AslState> }[];
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  End?: boolean;
}

/** The states a state may go to next, caught errors included (top level: the Glue task's paths have no Parallel). */
const successors = (s: AslState): string[] => [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].filter((n): n is string => !!n);

/** The longest sum of TimeoutSeconds over the paths from `from` (included) to `to` (excluded; to the end when
 * undefined), each Task counted once per path (no retries), no state visited twice. */
function longestPath(states: Record<string, AslState>, from: string, to: string | undefined, seen = new Set<string>()): number {
  if (from === to) return 0;
  const s = states[from];
  if (seen.has(from)) return -Infinity;
  const here = s.TimeoutSeconds ?? 0;
  const next = successors(s);
  if (next.length === 0) return to === undefined ? here : -Infinity;
  const rest = Math.max(...next.map((n) => longestPath(states, n, to, new Set([...seen, from]))));
  return rest === -Infinity ? -Infinity : here + rest;
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

  it("CurateWithGlue's TimeoutSeconds is the Glue job's own timeout, and its timeout can still park the batch within the execution's", () => {
    const glue = asl.States.CurateWithGlue;
    expect(glue.TimeoutSeconds).toBe(CURATE_GLUE_TIMEOUT_MINUTES * 60);
    // the longest way there, the Task's own time, then the longest way from any of its catches to the end: all
    // within the execution's TimeoutSeconds, or the execution would time out first and never park or notify
    const before = longestPath(asl.States, 'Begin', 'CurateWithGlue');
    const after = Math.max(...(glue.Catch ?? []).map((c) => longestPath(asl.States, c.Next, undefined)));
    expect(before).toBeGreaterThanOrEqual(300 + 900);
    expect(after).toBeGreaterThanOrEqual(300 + 60);
    expect(before + glue.TimeoutSeconds! + after).toBeLessThanOrEqual(asl.TimeoutSeconds);
  });
});
