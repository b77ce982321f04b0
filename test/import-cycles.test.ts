import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const SOURCE_FOLDERS = ['functions', 'local', 'infra', 'dashboards', 'bench'];
const SKIPPED = new Set(['node_modules', 'cdk.out']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : sourceFiles(path);
    return /\.(ts|cts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The file a relative specifier names, as the bundler resolves it; undefined for a non-source file (JSON, SQL). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.cts`, `${base}.mts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => /\.(ts|cts|mts)$/.test(c) && existsSync(c) && statSync(c).isFile());
}

/** Every relative import of each file: static, type-only, re-exports, dynamic import() and require(). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
      .map((spec) => resolveRelative(file, spec))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One cycle per strongly connected component that has one (Tarjan), each as a path that returns to its start. */
function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) components.push(component);
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return components.map((component) => cycleWithin(graph, new Set(component)));
}

/** A shortest path from the component's first member (by name) back to itself, staying inside the component. */
function cycleWithin(graph: Map<string, string[]>, component: Set<string>): string[] {
  const [start] = [...component].sort();
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

describe('import graph', () => {
  const files = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)));
  const name = (path: string): string => relative(ROOT, path);

  it(`has no import cycle in ${SOURCE_FOLDERS.join('/, ')}/`, () => {
    expect(files.length).toBeGreaterThan(100);
    const cycles = findCycles(importGraph(files)).map((cycle) => cycle.map(name).join(' -> '));
    expect(cycles).toEqual([]);
  });

  it('finds and names each cycle, through type-only imports, re-exports and dynamic import()', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
    try {
      const write = (file: string, text: string): void => writeFileSync(join(dir, file), text);
      write('a.ts', "import type { B } from './b';\nexport type A = B;\n");
      write('b.ts', "export type B = number;\nexport const load = () => import('./c');\n");
      write('c.ts', "export * from './a';\nimport './d';\n");
      write('d.ts', "// import './c' (a comment, not an import)\nexport const d = 'import(\\'./c\\')';\n");
      write('e.ts', "export { e } from './e';\nexport const e = 1;\n");
      const graph = importGraph(['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'].map((f) => join(dir, f)));
      const cycles = findCycles(graph).map((cycle) => cycle.map((f) => relative(dir, f)).join(' -> '));
      expect(cycles).toEqual(['a.ts -> b.ts -> c.ts -> a.ts', 'e.ts -> e.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
