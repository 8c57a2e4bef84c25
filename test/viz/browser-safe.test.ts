/**
 * src/viz runs in browsers too: none of its files imports a Node built-in (the CLI writes the files), and its
 * one library, dagre, is pure JavaScript.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../shared.js';

const VIZ = join(REPO_ROOT, 'src', 'viz');
const SPECIFIER = /(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

describe('src/viz is browser-safe', () => {
  it('imports no Node built-in and no package but dagre', () => {
    const found = readdirSync(VIZ)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) =>
        [...readFileSync(join(VIZ, file), 'utf8').matchAll(SPECIFIER)].map((match) => ({
          file,
          spec: match[1] ?? match[2] ?? '',
        })),
      )
      .filter(({ spec }) => !spec.startsWith('.'));
    const node = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    expect(found.filter(({ spec }) => node.has(spec) || spec.startsWith('node:'))).toEqual([]);
    expect([...new Set(found.map(({ spec }) => spec))]).toEqual(['@dagrejs/dagre']);
  });
});
