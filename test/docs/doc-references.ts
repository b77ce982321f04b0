import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

/**
 * What the project's documents name (repo paths, links, CLI commands, npm scripts, tables) and what exists,
 * so test/docs/ can check one against the other. Pure functions over text, plus the few readers of the repo.
 */

export const REPO_ROOT = join(__dirname, '..', '..');

/** Files in the checkout that git tracks or would track (new files count; ignored ones such as node_modules do not). */
export function repoFiles(root = REPO_ROOT): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  return out.split('\0').filter((f) => f !== '');
}

/** Every file and every folder (with a trailing slash) of a file list. */
export function pathIndex(files: string[]): Set<string> {
  const index = new Set<string>();
  for (const f of files) {
    index.add(f);
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) index.add(`${parts.slice(0, i).join('/')}/`);
  }
  return index;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Mentions of repo paths anywhere in the text (inline code, code blocks, Mermaid labels, prose): tokens that
 * start with a top-level folder or file of the repo (`functions/...`, `cdk.json`). A token preceded by `/` or a
 * word character is a path inside something else (`<lake>/dashboards/`, `/var/task/sql`) and is not one.
 * Placeholders `<name>` and `*` may stand for path segments.
 */
export function pathMentions(text: string, index: Set<string>): string[] {
  const topLevel = [...index].filter((p) => /^[^/]+\/?$/.test(p));
  const folders = topLevel.filter((p) => p.endsWith('/')).map((p) => escapeRegExp(p.slice(0, -1)));
  const files = topLevel.filter((p) => !p.endsWith('/')).map(escapeRegExp);
  const alternatives = [`(?:${folders.join('|')})/[\\w.<>*/-]*`];
  if (files.length > 0) alternatives.push(`(?:${files.join('|')})(?![\\w/-])`);
  const re = new RegExp(`(?<![\\w./<>-])(?:${alternatives.join('|')})`, 'g');
  const found = new Set<string>();
  for (const m of text.matchAll(re)) found.add(m[0].replace(/[.,:;]+$/, ''));
  return [...found];
}

/** Relative targets of Markdown links `[text](target)`, without `#anchors`, resolved from the document's folder. */
export function linkTargets(text: string, docPath: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1];
    if (/^(?:[a-z]+:|#)/i.test(target)) continue;
    found.add(posix.normalize(posix.join(posix.dirname(docPath), target.split('#')[0])));
  }
  return [...found];
}

/** True when the mention names a file or folder of the index; placeholders must match at least one. */
export function pathExists(mention: string, index: Set<string>): boolean {
  const wanted = mention.endsWith('/') ? [mention] : [mention, `${mention}/`];
  if (!/[<*]/.test(mention)) return wanted.some((w) => index.has(w));
  const pattern = mention
    .split(/(\*\*\/|\*|<[^>/]*>)/)
    .map((part) => {
      if (part === '**/') return '(?:[^/]+/)*';
      if (part === '*') return '[^/]*';
      if (part.startsWith('<')) return '[^/]+';
      return escapeRegExp(part);
    })
    .join('');
  const re = new RegExp(`^${pattern}/?$`);
  for (const entry of index) if (re.test(entry)) return true;
  return false;
}

/** The text inside inline code spans and fenced code blocks. */
export function codeTexts(text: string): string[] {
  const out: string[] = [];
  const withoutFences = text.replace(/^```[^\n]*\n([\s\S]*?)^```/gm, (_m, body: string) => {
    out.push(body);
    return '';
  });
  for (const m of withoutFences.matchAll(/`([^`\n]+)`/g)) out.push(m[1]);
  return out;
}

/** `retail-lake <command>` in code (options before the command, `[--lake DIR]` or `--lake DIR`, are skipped). */
export function cliCommandMentions(text: string): string[] {
  const found = new Set<string>();
  for (const code of codeTexts(text)) {
    for (const m of code.matchAll(/\bretail-lake\s+(?:\[[^\]]*\]\s+|--lake\s+\S+\s+)*([a-z][\w-]*)/g)) found.add(m[1]);
  }
  return [...found];
}

/** npm scripts the text runs: `npm run <script>`, and `npm start` / `npm test`, which run scripts too. */
export function npmScriptMentions(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\bnpm\s+(?:run\s+([\w:-]+)|(start|test)\b)/g)) found.add(m[1] ?? m[2]);
  return [...found];
}

/** Names of the commands the CLI defines (`program.command('name')` in local/cli/; subcommands such as
 * `keys add` are not counted). */
export function cliCommands(root = REPO_ROOT): string[] {
  const dir = join(root, 'local', 'cli');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/\bprogram\s*\.command\(\s*'([\w-]+)'/g)) names.add(m[1]);
  }
  return [...names];
}

export function npmScripts(root = REPO_ROOT): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  return Object.keys(pkg.scripts ?? {});
}

const STAR_SCHEMA_NAME = /^(?:dim|fact|stg|v)_[a-z0-9_]+$/;

/**
 * Tables and views the text names: entities of Mermaid `erDiagram` blocks, inline-code names shaped like the
 * star schema's (`dim_`, `fact_`, `stg_`, `v_`), the inline-code names in the first column of any Markdown
 * table whose first header cell is `table`, and what SQL in code reads `FROM` or `JOIN`s.
 */
export function tableMentions(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/^```mermaid\n([\s\S]*?)^```/gm)) {
    if (!/^\s*erDiagram\b/.test(m[1])) continue;
    for (const line of m[1].split('\n').slice(1)) {
      const relation = /^\s*(\w+)\s+\S*--\S*\s+(\w+)\s*:/.exec(line);
      const entity = /^\s*(\w+)\s*\{/.exec(line);
      if (relation) found.add(relation[1]).add(relation[2]);
      else if (entity) found.add(entity[1]);
    }
  }
  for (const m of text.matchAll(/`([a-z0-9_]+)`/g)) if (STAR_SCHEMA_NAME.test(m[1])) found.add(m[1]);
  for (const code of codeTexts(text)) {
    for (const m of code.matchAll(/\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)/g)) found.add(m[1]);
  }
  let inTableOfTables = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      inTableOfTables = false;
      continue;
    }
    const firstCell = line.split('|')[1].trim();
    if (/^table$/i.test(firstCell)) inTableOfTables = true;
    else if (inTableOfTables) for (const m of firstCell.matchAll(/`(\w+)`/g)) found.add(m[1]);
  }
  return [...found];
}

/** Tables and views the SQL of sql/ creates. */
export function sqlTableNames(sqlTexts: string[]): string[] {
  const names = new Set<string>();
  const re = /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:EXTERNAL\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[\w{}]+\.)?(\w+)/gi;
  for (const sql of sqlTexts) for (const m of sql.matchAll(re)) names.add(m[1]);
  return [...names];
}

/** `## N. Title` and `### N.M Title` headings: the section numbers `§N` can cite. */
export function sectionNumbers(text: string): string[] {
  return [...text.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]);
}

/** Section numbers cited as `docs/architecture.md §N` (or `§N` alone, inside the document itself). */
export function sectionCitations(text: string, { bare = false } = {}): string[] {
  const re = bare ? /§(\d+(?:\.\d+)?)/g : /docs\/architecture\.md\s+§(\d+(?:\.\d+)?)/g;
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** Citations of the design notes that lived outside the repo (an upper-case ARCHITECTURE file). */
export function outsideDesignCitations(text: string): string[] {
  return [...text.matchAll(/\bARCHITECTURE\b[\w.]*/g)].map((m) => m[0]);
}

/** Mentions of a `shared` folder reached through `..` (the one beside the repo) that lead outside the repo or to nothing. */
export function strayRelativeMentions(text: string, filePath: string, index: Set<string>): string[] {
  const bad: string[] = [];
  for (const m of text.matchAll(/(?:\.\.\/)+shared\b[\w./-]*/g)) {
    const resolved = posix.normalize(posix.join(posix.dirname(filePath), m[0]));
    const inside = !resolved.startsWith('../');
    const exists = [resolved, `${resolved}.ts`, `${resolved}/`].some((p) => index.has(p));
    if (!inside || !exists) bad.push(m[0]);
  }
  return bad;
}
