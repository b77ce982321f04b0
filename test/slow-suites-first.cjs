// Jest's default order runs the suites it has timings for by duration, and the others by file size, biggest first.
// A fresh clone (CI) has no timings, and the fault matrices are small files that run for minutes: started last,
// they left one worker running alone for over a minute at the end. The suites known to be slow start first.
const { default: Sequencer } = require('@jest/test-sequencer');
const { relative } = require('node:path');

/** The slowest suites, slowest first (measured on 2 cores). */
const SLOW_FIRST = [
  'test/faults/fail-matrix.test.ts',
  'test/faults/kill-matrix.test.ts',
  'test/evaluation/evaluate-command.test.ts',
  'test/functions/lib/recovery/reprocess-crash.test.ts',
  'test/local/cli/readme-session.test.ts',
  'test/infra/bin/app-synth.test.ts',
  'test/local/cli/recovery-commands.test.ts',
  'test/infra/bin/stage-variants.test.ts',
];

class SlowSuitesFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = SLOW_FIRST.indexOf(relative(test.context.config.rootDir, test.path).split('\\').join('/'));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    const sorted = super.sort(tests);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowSuitesFirst;
