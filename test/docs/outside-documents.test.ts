import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { outsideDesignCitations, pathIndex, REPO_ROOT, repoFiles, strayRelativeMentions } from './doc-references';

/** The checker's own sources spell what they look for. */
// Spelt in two pieces, so that a plain text search for the outside notes does not list this file.
const UP_SHARED = '..' + '/shared';
const OLD_NOTES = 'ARCHITECTURE' + '.md';
const CHECKER_FILES = new Set(['test/docs/doc-references.ts', 'test/docs/outside-documents.test.ts']);

describe('no file cites a document outside the repo', () => {
  const files = repoFiles();
  const index = pathIndex(files);
  const scanned = files.filter((f) => f !== 'package-lock.json' && !f.startsWith('node_modules/') && !CHECKER_FILES.has(f));

  it('scans the tracked files', () => {
    expect(scanned).toEqual(expect.arrayContaining(['README.md', 'functions/lib/ports.ts', 'docs/architecture.md']));
  });

  it('cites docs/architecture.md, not the old ARCHITECTURE notes', () => {
    const found = scanned.flatMap((f) => outsideDesignCitations(readFileSync(join(REPO_ROOT, f), 'utf8')).map((c) => `${f}: ${c}`));
    expect(found).toEqual([]);
  });

  it(`has no ${UP_SHARED} mention that leads outside the repo or to nothing`, () => {
    const found = scanned.flatMap((f) => strayRelativeMentions(readFileSync(join(REPO_ROOT, f), 'utf8'), f, index).map((m) => `${f}: ${m}`));
    expect(found).toEqual([]);
  });

  it('the checks catch a stray citation', () => {
    expect(outsideDesignCitations(`/** Exit codes of ${OLD_NOTES} §6. */`)).toEqual([OLD_NOTES]);
    expect(outsideDesignCitations('new lambda.Function(this, "f", { architecture: Architecture.X86_64 })')).toEqual([]);
    const tiny = pathIndex(['infra/lib/shared/nag.ts', 'infra/lib/ingest/stack.ts']);
    expect(strayRelativeMentions(`import { acknowledge } from '${UP_SHARED}/nag';`, 'infra/lib/ingest/stack.ts', tiny)).toEqual([]);
    expect(strayRelativeMentions(`see ${UP_SHARED}/${OLD_NOTES}`, 'README.md', tiny)).toEqual([`${UP_SHARED}/${OLD_NOTES}`]);
    expect(strayRelativeMentions(`from '${UP_SHARED}/gone'`, 'infra/lib/ingest/stack.ts', tiny)).toEqual([`${UP_SHARED}/gone`]);
  });
});
