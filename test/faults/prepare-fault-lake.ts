import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareFaultLake } from './fault-lake';

// Run by prepareFaultLakeSync: builds the fault matrix's lakes in the folder it is given and writes plan.json there.
const dir = process.argv[2];
prepareFaultLake(dir).then(
  (plan) => writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan)),
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
