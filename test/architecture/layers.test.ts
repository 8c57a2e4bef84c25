/**
 * The layers of src/ only point down: each top-level folder imports only the folders listed before it in LAYERS,
 * and no file imports itself back through others (type-only imports excepted, as they vanish at run time).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../shared.js';

/** The layers, lowest first: a folder may import the ones before it, never one after it. */
const LAYERS = ['ir', 'ops', 'graph', 'blocks', 'transform', 'viz', 'export', 'runtime', 'golden', 'cli'] as const;

const SRC = join(REPO_ROOT, 'src');
/** `import|export ... from './x'` (group 1: `type`, group 2: the path), `import './x'` (3) or `import('./x')` (4). */
const IMPORT = new RegExp(
  [
    /^\s*(?:import|export)\s+(type\s+)?[^'"]*?\bfrom\s+['"](\.[^'"]+)['"]/.source,
    /^\s*import\s+['"](\.[^'"]+)['"]/.source,
    /import\(\s*['"](\.[^'"]+)['"]\s*\)/.source,
  ].join('|'),
  'gm',
);

interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

function importEdges(): ImportEdge[] {
  return sourceFiles(SRC).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].flatMap((match) => {
      const spec = match[2] ?? match[3] ?? match[4];
      const to = spec === undefined ? undefined : resolveImport(file, spec);
      return to === undefined ? [] : [{ from: file, to, typeOnly: match[1] !== undefined }];
    }),
  );
}

/** The top-level folder of a file under src/, or undefined for the entry points directly in src/. */
function layerOf(file: string): string | undefined {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

describe('architecture', () => {
  const edges = importEdges();

  it('has every folder under src/ in the layer list', () => {
    const folders = readdirSync(SRC).filter((entry) => statSync(join(SRC, entry)).isDirectory());
    expect(folders.filter((folder) => !(LAYERS as readonly string[]).includes(folder))).toEqual([]);
  });

  it('imports only from lower layers (no folder imports one that imports it back)', () => {
    const upward = edges.flatMap(({ from, to }) => {
      const a = layerOf(from);
      const b = layerOf(to);
      if (a === undefined || b === undefined || a === b) return [];
      const ok = LAYERS.indexOf(b as (typeof LAYERS)[number]) < LAYERS.indexOf(a as (typeof LAYERS)[number]);
      return ok ? [] : [`${relative(SRC, from)} -> ${relative(SRC, to)} (${a} may not import ${b})`];
    });
    expect(upward).toEqual([]);
  });

  it('has no import cycle between files (type-only imports excepted)', () => {
    const next = new Map<string, string[]>();
    for (const { from, to, typeOnly } of edges) if (!typeOnly) next.set(from, [...(next.get(from) ?? []), to]);
    const state = new Map<string, 'active' | 'done'>();
    const cycles: string[] = [];
    // Iterative depth-first search, so deep import chains cannot overflow the stack.
    for (const start of next.keys()) {
      if (state.has(start)) continue;
      const stack: { file: string; children: string[] }[] = [{ file: start, children: [...(next.get(start) ?? [])] }];
      state.set(start, 'active');
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top === undefined) break;
        const child = top.children.pop();
        if (child === undefined) {
          state.set(top.file, 'done');
          stack.pop();
        } else if (state.get(child) === 'active') {
          const path = stack.map((frame) => frame.file);
          cycles.push([...path.slice(path.indexOf(child)), child].map((file) => relative(SRC, file)).join(' -> '));
        } else if (!state.has(child)) {
          state.set(child, 'active');
          stack.push({ file: child, children: [...(next.get(child) ?? [])] });
        }
      }
    }
    expect(cycles).toEqual([]);
  });
});
