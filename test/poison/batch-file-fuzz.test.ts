import { gzipSync } from 'node:zlib';
import { rawObjectKey } from '../../functions/lib/lake-layout';
import { commitCheckpoint } from '../../functions/pipeline/commit-checkpoint/commit-checkpoint';
import { curateBatch } from '../../functions/pipeline/curate-batch/curate-batch';
import { planBatch } from '../../functions/pipeline/plan-batch/plan-batch';
import { validateBatch } from '../../functions/pipeline/validate-batch/validate-batch';
import { settingsFromEnv } from '../../functions/lib/pipeline/pipeline-settings';
import { CuratedQueryEngine } from '../../local/engine/curated-engine';
import { Rng } from '../../local/simulator/random';
import { sale, tempLake, withReference } from '../helpers/lake-fixture';

/** The seed: a failure names it, and FUZZ_SEED=<n> reproduces it. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const FILES_PER_KIND = 4;

const randomBytes = (rng: Rng, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => rng.int(0, 255)));
const JSONISH = '{}[]",:0123456789.eE-+truefalsnul \\abc\u00e9\u{1F600}';

/** Each kind of hostile batch file: its body as stored in the raw zone. */
const KINDS: Record<string, (rng: Rng, i: number) => Buffer> = {
  randomBytes: (rng) => randomBytes(rng, rng.int(1, 4096)),
  randomBytesGzipped: (rng) => gzipSync(randomBytes(rng, rng.int(1, 4096))),
  deepNesting: (rng) => gzipSync(`${'['.repeat(rng.int(1000, 200_000))}\n${'{"a":'.repeat(rng.int(1000, 50_000))}1\n`),
  hugeTokens: (rng, i) =>
    gzipSync(
      [
        JSON.stringify(sale({ event_id: `huge-id-${i}-${'x'.repeat(rng.int(65, 900_000))}` })),
        `{"event_id":${'9'.repeat(rng.int(400, 500_000))}}`,
        `"${'y'.repeat(rng.int(1024 * 1024, 2 * 1024 * 1024))}"`,
        JSON.stringify(sale({ event_id: `fine-after-huge-${i}` })),
      ].join('\n'),
    ),
  invalidUtf8: (rng, i) => {
    const [before, after] = JSON.stringify(sale({ event_id: `bad-utf8-${i}`, customer_id: 'Zoe' })).split('Zoe');
    const bad = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]][rng.int(0, 3)];
    return gzipSync(Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(`${after}\n${JSON.stringify(sale({ event_id: `fine-utf8-${i}` }))}\n`)]));
  },
  truncatedGzip: (rng, i) => {
    const whole = gzipSync(Array.from({ length: 50 }, (_, n) => JSON.stringify(sale({ event_id: `torn-${i}-${n}` }))).join('\n'));
    return whole.subarray(0, rng.int(2, whole.length - 1));
  },
  jsonishLines: (rng) => {
    const lines = Array.from({ length: rng.int(1, 40) }, () => Array.from({ length: rng.int(0, 120) }, () => JSONISH[rng.int(0, JSONISH.length - 1)]).join(''));
    return gzipSync(lines.join('\n'));
  },
  mutatedEvents: (rng, i) => {
    const lines = Array.from({ length: rng.int(1, 30) }, (_, n) => {
      const text = JSON.stringify(sale({ event_id: `mut-${i}-${n}` }));
      if (rng.chance(0.3)) return text;
      const at = rng.int(0, text.length - 1);
      return rng.chance(0.5) ? text.slice(0, at) + JSONISH[rng.int(0, JSONISH.length - 1)] + text.slice(at + 1) : text.slice(0, at);
    });
    return gzipSync(lines.join('\n'));
  },
};

describe(`batch files fuzzed (seed ${SEED})`, () => {
  it('each lands in quarantine or curated, every step finishes, and the batch reconciles', async () => {
    const { root, store, cleanup } = tempLake('fuzz');
    try {
      await withReference(store);
      const rng = new Rng(SEED, 'batch-file-fuzz');
      const keys: Record<string, string> = {};
      let minute = 0;
      for (const [kind, make] of Object.entries(KINDS)) {
        for (let i = 0; i < FILES_PER_KIND; i++) {
          const key = rawObjectKey(new Date(Date.UTC(2024, 2, 10, 1, minute++)), 'pos-events', `${kind}-${i}`);
          keys[key] = kind;
          await store.put(key, make(rng, i));
        }
      }
      const plan = await planBatch(store, Number.MAX_SAFE_INTEGER);
      expect(plan.objectCount).toBe(Object.keys(keys).length);
      const validation = await validateBatch(store, store, plan.batchId, 1, 2, { ...settingsFromEnv(), validateThreadsFromBytes: 0 });
      const curate = await curateBatch(store, store, plan.batchId);
      // commitCheckpoint throws unless received = curated + duplicates + quarantined
      const commit = await commitCheckpoint(store, plan.batchId);
      expect(commit.received).toBe(commit.curatedEvents + commit.quarantined + commit.duplicates);
      expect(validation.valid).toBe(curate.curatedEvents + curate.duplicates);

      const engine = await CuratedQueryEngine.open(root);
      try {
        const rows = await engine.query('SELECT source_key, reason, count(*) AS n FROM quarantine GROUP BY ALL');
        expect(rows.reduce((a, r) => a + Number(r.n), 0)).toBe(commit.quarantined);
        // an unreadable object is one record, quarantined whole (random bytes may or may not read as text)
        const READABLE = ['deepNesting', 'hugeTokens', 'invalidUtf8', 'jsonishLines', 'mutatedEvents'];
        for (const [key, kind] of Object.entries(keys)) {
          const reasons = rows.filter((r) => r.source_key === key).map((r) => r.reason);
          if (kind === 'truncatedGzip') expect({ key, reasons }).toEqual({ key, reasons: ['unreadable_object'] });
          if (READABLE.includes(kind)) expect({ key, unreadable: reasons.includes('unreadable_object') }).toEqual({ key, unreadable: false });
        }
        const curated = await engine.query('SELECT DISTINCT event_id FROM sales_lines');
        const ids = new Set(curated.map((r) => String(r.event_id)));
        for (let i = 0; i < FILES_PER_KIND; i++) {
          expect(ids.has(`fine-after-huge-${i}`)).toBe(true);
          expect(ids.has(`fine-utf8-${i}`)).toBe(true);
          expect(ids.has(`bad-utf8-${i}`)).toBe(false);
        }
        expect(rows.filter((r) => r.reason === 'too_large').reduce((a, r) => a + Number(r.n), 0)).toBe(FILES_PER_KIND);
      } finally {
        engine.close();
      }
    } finally {
      cleanup();
    }
  }, 60_000);
});
