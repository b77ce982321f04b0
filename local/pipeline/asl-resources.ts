import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_STEPS, PIPELINE_TOPICS } from '../../functions/pipeline/steps';
import type { AslStates } from './asl-states';
import { ConfigurationError } from '../../functions/lib/errors';

export const PIPELINE_ASL_PATH = join(__dirname, '..', '..', 'statemachines', 'pipeline.asl.json');

const ACCOUNT = '000000000000';
const REGION = 'local-1';
export const localFunctionArn = (name: string): string => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:retail-lake-${name}`;
export const localTopicArn = (topic: string): string => `arn:aws:sns:${REGION}:${ACCOUNT}:retail-lake-${topic}`;
/** An execution's id, as `$$.Execution.Id` gives it in the cloud (the local runner sets it in the context object). */
export const localExecutionArn = (name: string): string => `arn:aws:states:${REGION}:${ACCOUNT}:execution:retail-lake-pipeline:${name}`;

/** The values the CDK app passes as definitionSubstitutions, for the local machine. */
export function localSubstitutions(): Record<string, string> {
  const subs: Record<string, string> = {
    CurateGlueJobName: 'retail-lake-curate',
    AthenaWorkGroup: 'retail-lake-analysts',
    CuratedDatabase: 'retail_curated',
    RedshiftWorkgroupName: 'retail-lake',
    RedshiftDatabase: 'retail',
  };
  for (const step of PIPELINE_STEPS) subs[step.substitution] = localFunctionArn(step.name);
  for (const [key, topic] of Object.entries(PIPELINE_TOPICS)) subs[key] = localTopicArn(topic);
  return subs;
}

/** Replaces every `${Name}`; a name with no value is an error, as it is for CDK's definitionSubstitutions. */
export function substitute(definitionText: string, subs: Record<string, string>): string {
  return definitionText.replace(/\$\{(\w+)\}/g, (_m, name: string) => {
    if (!(name in subs)) throw new ConfigurationError(`${PIPELINE_ASL_PATH}: substitution \${${name}} has no value`);
    return subs[name];
  });
}

export function loadLocalDefinition(): AslStates & Record<string, unknown> {
  return JSON.parse(substitute(readFileSync(PIPELINE_ASL_PATH, 'utf8'), localSubstitutions()));
}
