import { readFileSync } from 'node:fs';
import { PIPELINE_STATE_KEYS } from '../../../../functions/lib/pipeline/state';
import { PIPELINE_ASL_PATH } from '../../../../local/pipeline/asl-resources';
import { allStates, type AslStates } from '../../../../local/pipeline/asl-states';

/** Every ResultPath the definition writes (a state's own and its Catches'), null ones left out. */
function resultPaths(definition: AslStates): string[] {
  return allStates(definition).flatMap(([, state]) => [state.ResultPath, ...(state.Catch ?? []).map((c) => c.ResultPath)].filter((p): p is string => typeof p === 'string'));
}

describe('pipeline state', () => {
  const definition = JSON.parse(readFileSync(PIPELINE_ASL_PATH, 'utf8')) as AslStates;

  it('has a key for every ResultPath of the state machine, and no key the state machine does not write', () => {
    const paths = resultPaths(definition);
    expect(paths.length).toBeGreaterThan(PIPELINE_STATE_KEYS.length);
    for (const path of paths) expect(path).toMatch(/^\$\.\w+$/); // top-level keys only: the type is flat
    expect([...new Set(paths.map((p) => p.slice(2)))].sort()).toEqual([...PIPELINE_STATE_KEYS].sort());
  });
});
