import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultPoint, InjectedFault, operationsCounted, parseFaultPlan, setFaultPlan } from '../../../local/adapters/fault-point';

describe('the fault point', () => {
  afterEach(() => setFaultPlan(undefined));

  it('reads RETAIL_LAKE_FAULT, and refuses a plan it cannot read', () => {
    expect(parseFaultPlan(undefined)).toBeUndefined();
    expect(parseFaultPlan('7:kill')).toEqual({ kind: 'kill', at: 7 });
    expect(parseFaultPlan('3:fail')).toEqual({ kind: 'fail', at: 3 });
    expect(parseFaultPlan('log:/tmp/ops.log')).toEqual({ kind: 'log', file: '/tmp/ops.log' });
    for (const bad of ['0:kill', 'kill', '2:explode']) expect(() => parseFaultPlan(bad)).toThrow(RangeError);
  });

  it('does nothing and counts nothing without a plan', () => {
    faultPoint('put', 'a');
    expect(operationsCounted()).toBe(0);
  });

  it('fails the nth operation only, with an I/O error naming it', () => {
    setFaultPlan({ kind: 'fail', at: 2 });
    faultPoint('put', 'a');
    expect(() => faultPoint('rename-in', 'curated/x/')).toThrow(new InjectedFault(2, 'rename-in', 'curated/x/'));
    faultPoint('delete', 'b');
    expect(operationsCounted()).toBe(3);
  });

  it('logs each operation in order', () => {
    const log = join(mkdtempSync(join(tmpdir(), 'retail-lake-fault-point-')), 'ops.log');
    setFaultPlan({ kind: 'log', file: log });
    faultPoint('put', 'a');
    faultPoint('execute', 'DELETE FROM stg_store');
    expect(readFileSync(log, 'utf8')).toBe('1 put a\n2 execute DELETE FROM stg_store\n');
  });

  it('kills the process with SIGKILL at the nth operation: no finally block runs', () => {
    const script = `const { faultPoint } = require('./local/adapters/fault-point.ts');
      try { faultPoint('put', 'a'); console.log('first'); faultPoint('put', 'b'); console.log('second'); } finally { console.log('finally'); }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', env: { ...process.env, RETAIL_LAKE_FAULT: '2:kill' } });
    expect({ signal: r.signal, stdout: r.stdout }).toEqual({ signal: 'SIGKILL', stdout: 'first\n' });
  });
});
