import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourcesOfType } from '../infra/helpers';
import { synthesizedStage, type SynthesizedStage } from '../infra/synthesized-stage';

// asl-validator ships no types: validator(definition, options) -> { isValid, errors }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('asl-validator') as (def: unknown, opts?: object) => { isValid: boolean; errors: unknown[] };

/** A value of the right shape for a substitution, the way CloudFormation will fill it in. */
function sampleValue(name: string): string {
  if (name.endsWith('FunctionArn')) return `arn:aws:lambda:eu-west-1:123456789012:function:retail-lake-dev-${name.replace(/FunctionArn$/, '').toLowerCase()}`;
  if (name.endsWith('TopicArn')) return `arn:aws:sns:eu-west-1:123456789012:retail-lake-dev-${name.replace(/TopicArn$/, '').toLowerCase()}`;
  return `retail-lake-dev-${name.toLowerCase()}`;
}

describe('deployed state machines', () => {
  let t: SynthesizedStage;
  beforeAll(async () => {
    t = await synthesizedStage();
  });

  it('every state machine of the app, substituted as CloudFormation will, is valid Amazon States Language', () => {
    let checked = 0;
    for (const stackTemplate of Object.values(t.templates)) {
      for (const [, props] of resourcesOfType(stackTemplate, 'AWS::StepFunctions::StateMachine')) {
        const key = (props.DefinitionS3Location as { Key: string }).Key;
        let text = readFileSync(join(t.assemblyDir, `asset.${key}`), 'utf8');
        const subs = Object.keys((props.DefinitionSubstitutions as Record<string, unknown>) ?? {});
        for (const name of subs) text = text.split(`\${${name}}`).join(sampleValue(name));
        expect(text).not.toMatch(/\$\{\w+\}/);
        const result = validator(JSON.parse(text), { checkArn: true, checkPaths: true });
        expect(result.errors).toEqual([]);
        expect(result.isValid).toBe(true);
        checked++;
      }
    }
    expect(checked).toBe(1);
  });
});
