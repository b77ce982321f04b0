import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURATED_COLUMNS } from '../../functions/lib/curated-schema';
import {
  cliCommandMentions,
  cliCommands,
  linkTargets,
  npmScriptMentions,
  npmScripts,
  pathExists,
  pathIndex,
  pathMentions,
  REPO_ROOT,
  repoFiles,
  sectionCitations,
  sectionNumbers,
  sqlTableNames,
  tableMentions,
} from './doc-references';

const DESIGN_DOC = 'docs/architecture.md';
/** Documents whose paths and links must exist. */
const DOCUMENTS = [DESIGN_DOC, 'README.md', 'docs/deploy.md', 'docs/scale.md'];
/** Outputs the documents describe that no checkout holds: `npm run bench` writes them (git-ignored). */
const GENERATED = new Set(['bench/results/latest.json', 'bench/results/latest.md', 'bench/results/backfill.json', 'bench/results/month.json']);

const files = repoFiles();
const index = pathIndex(files);
const read = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

const missingPaths = (text: string, docPath: string): string[] =>
  [...pathMentions(text, index), ...linkTargets(text, docPath)].filter((p) => {
    if (GENERATED.has(p)) return !index.has(`${p.slice(0, p.lastIndexOf('/'))}/`);
    return !pathExists(p, index);
  });

describe('the documents name only what exists', () => {
  it.each(DOCUMENTS)('%s: every repo path and link exists (placeholders match at least one)', (doc) => {
    const text = read(doc);
    expect(pathMentions(text, index).length + linkTargets(text, doc).length).toBeGreaterThan(0);
    expect(missingPaths(text, doc)).toEqual([]);
  });

  it.each(DOCUMENTS)('%s: every `retail-lake <command>` and `npm run <script>` exists', (doc) => {
    const text = read(doc);
    const commands = new Set(cliCommands());
    const scripts = new Set(npmScripts());
    expect(cliCommandMentions(text).filter((c) => !commands.has(c))).toEqual([]);
    expect(npmScriptMentions(text).filter((s) => !scripts.has(s))).toEqual([]);
  });

  it.each([DESIGN_DOC, 'README.md'])('%s: every table it names is created by sql/ or is a curated table', (doc) => {
    const known = new Set([...sqlTableNames(files.filter((f) => f.startsWith('sql/') && f.endsWith('.sql')).map(read)), ...Object.keys(CURATED_COLUMNS)]);
    const named = tableMentions(read(doc));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((t) => !known.has(t))).toEqual([]);
  });

  it('the architecture document names the commands and star-schema tables it is about', () => {
    const text = read(DESIGN_DOC);
    expect(cliCommandMentions(text)).toEqual(expect.arrayContaining(cliCommands()));
    expect(tableMentions(text)).toEqual(expect.arrayContaining(['dim_store', 'dim_product', 'dim_calendar', 'fact_sales', 'sales_lines', 'inventory_events']));
  });
});

describe('sections of docs/architecture.md', () => {
  const text = read(DESIGN_DOC);

  it('are numbered 1, 2, 3... in order', () => {
    const top = sectionNumbers(text).filter((n) => !n.includes('.'));
    expect(top).toEqual(top.map((_n, i) => String(i + 1)));
  });

  it('cited anywhere in the repo (docs/architecture.md §N) or inside the document (§N) exist', () => {
    const sections = new Set(sectionNumbers(text));
    const cited = files.filter((f) => f !== 'package-lock.json').flatMap((f) => sectionCitations(read(f)).map((n) => `${f}: §${n}`));
    cited.push(...sectionCitations(text, { bare: true }).map((n) => `${DESIGN_DOC}: §${n}`));
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.filter((c) => !sections.has(c.slice(c.lastIndexOf('§') + 1)))).toEqual([]);
  });
});

describe('the extractors catch what does not exist', () => {
  const tiny = pathIndex(['functions/pipeline/plan-batch/index.ts', 'sql/redshift/schema.sql', 'README.md', 'docs/deploy.md']);

  it('finds paths in inline code, prose, Mermaid labels and code blocks, and reports the missing ones', () => {
    const text = [
      'See `functions/pipeline/plan-batch/index.ts` and sql/redshift/schemas.sql.',
      'flowchart LR\n  a["functions/pipelines/"] --> b',
      '```\nREADME.md  sql/athena/\n```',
      'Not paths: `<lake>/sql/x`, `/var/task/sql`, raw/pos/YYYY/, .lake/functions/',
    ].join('\n');
    const mentions = pathMentions(text, tiny);
    expect(mentions.sort()).toEqual(['README.md', 'functions/pipeline/plan-batch/index.ts', 'functions/pipelines/', 'sql/athena/', 'sql/redshift/schemas.sql']);
    expect(mentions.filter((m) => !pathExists(m, tiny)).sort()).toEqual(['functions/pipelines/', 'sql/athena/', 'sql/redshift/schemas.sql']);
  });

  it('placeholders must match at least one file or folder', () => {
    expect(pathExists('functions/pipeline/<step>/index.ts', tiny)).toBe(true);
    expect(pathExists('functions/pipeline/*/index.ts', tiny)).toBe(true);
    expect(pathExists('sql/**/*.sql', tiny)).toBe(true);
    expect(pathExists('functions/pipeline/<step>/handler.ts', tiny)).toBe(false);
    expect(pathExists('test/*/index.ts', tiny)).toBe(false);
  });

  it('resolves Markdown links from the document folder', () => {
    const text = '[deploy](deploy.md), [readme](../README.md#quick-start), [gone](../docs/gone.md), [web](https://example.com)';
    expect(linkTargets(text, 'docs/architecture.md').filter((p) => !pathExists(p, tiny))).toEqual(['docs/gone.md']);
  });

  it('finds CLI commands and npm scripts', () => {
    const text = 'Run `npx retail-lake [--lake DIR] querry` or\n```sh\nretail-lake --lake x status\n```\nthen npm run synthh and npm test; retail-lake pipeline';
    expect(cliCommandMentions(text)).toEqual(['status', 'querry']);
    expect(npmScriptMentions(text)).toEqual(['synthh', 'test']);
  });

  it('finds tables in ER diagrams, star-schema names and tables of tables', () => {
    const text = [
      '```mermaid\nerDiagram\n  dim_stor ||--o{ fact_sales : "store_id"\n  dim_thing {\n```',
      'The `fact_salez` table and `business_date` column.',
      '| table | what |\n|---|---|\n| `sales_linez` | lines |\n',
      '| command | what |\n|---|---|\n| `demo` | not a table |',
      'Run `retail-lake query "SELECT 1 FROM sales_lynes s JOIN stores t ON true"`; see the FROM clause.',
    ].join('\n');
    expect(tableMentions(text).sort()).toEqual(['dim_stor', 'dim_thing', 'fact_sales', 'fact_salez', 'sales_linez', 'sales_lynes', 'stores']);
    expect(sqlTableNames(['CREATE TABLE IF NOT EXISTS dim_store (', 'CREATE EXTERNAL TABLE IF NOT EXISTS {{database}}.sales_lines (', 'CREATE OR REPLACE VIEW v_x AS'])).toEqual(['dim_store', 'sales_lines', 'v_x']);
  });

  it('reads section numbers and citations', () => {
    expect(sectionNumbers('## 1. A\n### 1.1 B\n## 2. C\n')).toEqual(['1', '1.1', '2']);
    expect(sectionCitations('(docs/architecture.md §4) and docs/architecture.md §13.2')).toEqual(['4', '13.2']);
    expect(sectionCitations('see §3 and §7.1', { bare: true })).toEqual(['3', '7.1']);
  });
});
