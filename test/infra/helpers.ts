import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/lib/common/paths';

type Json = Record<string, unknown>;

/** The context of cdk.json (what `npm run synth` uses). */
export function cdkJsonContext(): Json {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Json }).context;
}

/** The resources of a template of one type, as [logicalId, properties]. */
export function resourcesOfType(template: { toJSON(): Json }, type: string): [string, Json][] {
  const resources = (template.toJSON().Resources ?? {}) as Record<string, { Type: string; Properties?: Json }>;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => [id, r.Properties ?? {}]);
}
