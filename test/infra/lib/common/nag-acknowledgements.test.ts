import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NAG_ACKNOWLEDGEMENTS } from '../../../../infra/lib/common/nag';
import { projectPath } from '../../../../infra/lib/common/paths';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('cdk-nag acknowledgements', () => {
  const docs = readFileSync(projectPath('docs', 'deploy.md'), 'utf8');
  const rows = docs.split('\n').filter((l) => /^\| `\w+` \| AwsSolutions-/.test(l));

  it('docs/deploy.md lists every acknowledgement with its rule, finding and reason, and no other', () => {
    const keys = Object.keys(NAG_ACKNOWLEDGEMENTS);
    expect(rows.map((r) => /^\| `(\w+)`/.exec(r)?.[1])).toEqual(keys);
    for (const [key, ack] of Object.entries(NAG_ACKNOWLEDGEMENTS)) {
      const row = rows.find((r) => r.startsWith(`| \`${key}\` |`)) ?? '';
      expect(row).toContain(`| ${ack.rule} |`);
      expect(row).toContain(ack.finding.replace(/\|/g, '\\|'));
      expect(row).toContain(ack.reason.replace(/\|/g, '\\|'));
    }
  });

  it('every acknowledgement has a written reason and is used by a construct', () => {
    const code = sources(projectPath('infra', 'lib'))
      .filter((f) => !f.endsWith('nag.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const [key, ack] of Object.entries(NAG_ACKNOWLEDGEMENTS)) {
      expect(ack.reason.length).toBeGreaterThan(40);
      expect({ key, used: code.includes(`'${key}'`) }).toEqual({ key, used: true });
    }
  });
});
