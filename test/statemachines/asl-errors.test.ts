import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as athena from '@aws-sdk/client-athena';
import * as redshiftData from '@aws-sdk/client-redshift-data';
import * as sns from '@aws-sdk/client-sns';
import { ERROR_NAMES } from '../../functions/lib/errors';

interface Rule {
  ErrorEquals: string[];
}
interface State {
  Type: string;
  Resource?: string;
  Retry?: Rule[];
  Catch?: Rule[];
  Branches?: Machine[];
}
interface Machine {
  States: Record<string, State>;
}

const definition = JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachines', 'pipeline.asl.json'), 'utf8')) as Machine;

function allStates(machine: Machine): [string, State][] {
  return Object.entries(machine.States).flatMap(([name, state]) => [[name, state] as [string, State], ...(state.Branches ?? []).flatMap(allStates)]);
}

/** The prefix Step Functions puts on a Task's service errors: `arn:aws:states:::aws-sdk:redshiftdata:...` -> RedshiftData. */
function servicePrefix(resource: string | undefined): string | undefined {
  if (resource?.endsWith('FunctionArn}')) return 'Lambda';
  const service = /^arn:aws:states:::(?:aws-sdk:)?([a-z]+):/.exec(resource ?? '')?.[1];
  return { athena: 'Athena', glue: 'Glue', redshiftdata: 'RedshiftData', sns: 'SNS' }[service ?? ''];
}

/** The exception classes of the SDK clients in the project, by prefix: a name there must be one the service has. */
const SDK_EXCEPTIONS: Record<string, Record<string, unknown>> = { Athena: athena, RedshiftData: redshiftData, SNS: sns };
/** Lambda's errors as the Lambda Task integration reports them (no Lambda client in the project to check against). */
const LAMBDA_ERRORS = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
/** Errors every AWS API may return that the SDK clients do not model as classes (AWS's common errors). */
const COMMON_ERRORS = ['ThrottlingException'];
const STATES_ERRORS = ['States.ALL', 'States.TaskFailed', 'States.Timeout', 'States.HeartbeatTimeout', 'States.Permissions'];

const ours = new Set<string>(Object.values(ERROR_NAMES));
/** The Lambda steps whose failure after the retries parks the batch, and the errors that do. */
const PARKING_STEPS = ['Validate', 'CurateWithLambda'];
const PARK_ERRORS = [ERROR_NAMES.data, ERROR_NAMES.transient, ERROR_NAMES.retailLake, 'States.Timeout'];
const rules = allStates(definition).flatMap(([name, state]) =>
  [...(state.Retry ?? []), ...(state.Catch ?? [])].flatMap((rule) => rule.ErrorEquals.map((error) => ({ state: name, resource: state.Resource, error }))),
);

describe('the error names statemachines/pipeline.asl.json matches', () => {
  it('finds the Retry and Catch rules', () => {
    expect(rules.length).toBeGreaterThan(20);
  });

  it.each(rules.map((r) => [r.state, r.error, r.resource]))('%s: %s is a States, service or retail-lake error name', (_state, error, resource) => {
    if (error.startsWith('States.')) return expect(STATES_ERRORS).toContain(error);
    if (!error.includes('.')) return expect(ours).toContain(error);
    const [prefix, name] = error.split('.');
    expect(prefix).toBe(servicePrefix(resource));
    if (prefix === 'Lambda') expect(LAMBDA_ERRORS).toContain(error);
    else if (SDK_EXCEPTIONS[prefix] && !COMMON_ERRORS.includes(name)) expect(typeof SDK_EXCEPTIONS[prefix][name]).toBe('function');
    else expect(name).toMatch(/^[A-Z]\w*Exception$/);
  });

  it('every Lambda Task retries TransientError and the Lambda service errors, and catches the rest (a Task in a Parallel branch: the Parallel catches it)', () => {
    const lambdaTasks = allStates(definition).filter(([, s]) => s.Type === 'Task' && servicePrefix(s.Resource) === 'Lambda');
    expect(lambdaTasks.length).toBeGreaterThan(5);
    const branchTasks = new Map<string, string[] | undefined>();
    for (const [, p] of allStates(definition).filter(([, s]) => s.Type === 'Parallel')) {
      for (const b of p.Branches ?? []) for (const n of Object.keys(b.States)) branchTasks.set(n, p.Catch?.flatMap((c) => c.ErrorEquals));
    }
    for (const [name, state] of lambdaTasks) {
      const retried = (state.Retry ?? []).flatMap((r) => r.ErrorEquals);
      expect({ name, retried: [...retried].sort() }).toEqual({ name, retried: [...LAMBDA_ERRORS, ERROR_NAMES.transient].sort() });
      const caught = branchTasks.has(name) && state.Catch === undefined ? branchTasks.get(name) : state.Catch?.flatMap((c) => c.ErrorEquals);
      expect({ name, caught }).toEqual({ name, caught: PARKING_STEPS.includes(name) ? [...PARK_ERRORS, 'States.ALL'] : ['States.ALL'] });
    }
  });

  it('parks a batch whose Validate or Curate still fails after the retries for an error the batch can cause, and fails the run on any other', () => {
    const catches = (state: string) => allStates(definition).find(([name]) => name === state)?.[1].Catch as (Rule & { Next: string })[];
    for (const state of PARKING_STEPS) {
      expect(catches(state).map((c) => [c.ErrorEquals, c.Next])).toEqual([
        [PARK_ERRORS, 'ParkBatch'],
        [['States.ALL'], 'NotifyFailure'],
      ]);
    }
    // a configuration or pipeline-state error is not the batch's: parking would hide it
    for (const error of [ERROR_NAMES.configuration, ERROR_NAMES.pipelineState]) expect(PARK_ERRORS).not.toContain(error);
    expect(catches('CurateWithGlue').map((c) => [c.ErrorEquals, c.Next])).toEqual([
      [['States.Timeout'], 'ParkBatch'],
      [['States.ALL'], 'NotifyFailure'],
    ]);
  });

  it('the warehouse load, the derived tables\' refresh and their polls retry the Data API’s internal errors and throttling', () => {
    const retried = (state: string) => allStates(definition).find(([name]) => name === state)?.[1].Retry?.flatMap((r) => r.ErrorEquals);
    for (const state of ['LoadWarehouse', 'DescribeLoad', 'RefreshDerivedTables', 'DescribeDerivedTables']) {
      expect(retried(state)).toEqual(expect.arrayContaining(['RedshiftData.InternalServerException', 'RedshiftData.ThrottlingException']));
    }
    for (const state of ['LoadWarehouse', 'RefreshDerivedTables']) expect(retried(state)).toContain('RedshiftData.ActiveStatementsExceededException');
  });
});
