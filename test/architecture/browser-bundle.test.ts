/**
 * The package root (`sppkit`, src/index.ts) bundles for browsers: esbuild with `platform: 'browser'` must reach no
 * Node built-in and no Node-only package, and the bundle (plain ESM, every dependency inside) must build, encode
 * and evaluate an SPP model on its own. The Node-only parts live in `sppkit/node` (src/node.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../shared.js';

/** Packages that only run in Node (native code, a browser driver). */
const NODE_ONLY_PACKAGES = ['onnxruntime-node', 'playwright-core', 'playwright'];

/** The package name of a bare import specifier (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Marks the plugin's own nested resolve calls. */
const NESTED = Symbol('nested resolve');

/**
 * Records every import of a Node built-in or a Node-only package that esbuild would put in a browser bundle (and
 * keeps it out). An import that the importing package's own `browser` field replaces (protobufjs maps `fs` to
 * nothing, and copes without it) is esbuild's normal browser resolution, not a Node import.
 */
function nodeImportRecorder(found: string[]): Plugin {
  return {
    name: 'record-node-imports',
    setup(context) {
      context.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === NESTED) return undefined;
        const nodePackage = NODE_ONLY_PACKAGES.includes(packageOf(args.path));
        if (!nodePackage && !isBuiltin(args.path)) return undefined;
        if (!nodePackage) {
          const { importer, resolveDir, kind } = args;
          const browser = await context.resolve(args.path, { importer, resolveDir, kind, pluginData: NESTED });
          if (browser.errors.length === 0 && !browser.external) return undefined;
        }
        found.push(`${args.path} (imported by ${relative(REPO_ROOT, args.importer)})`);
        return { path: args.path, external: true };
      });
    },
  };
}

interface Bundle {
  readonly code: string;
  readonly metafile: Metafile;
  readonly nodeImports: readonly string[];
}

async function bundleRoot(): Promise<Bundle> {
  const nodeImports: string[] = [];
  const result = await build({
    entryPoints: [join(REPO_ROOT, 'src', 'index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [nodeImportRecorder(nodeImports)],
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output for src/index.ts');
  return { code: output.text, metafile: result.metafile, nodeImports };
}

/** The package root's API, as the test uses it from the bundle. */
type Sppkit = typeof import('../../src/index.js');

describe('the package root in a browser bundle', () => {
  let bundle: Bundle;
  let sppkit: Sppkit;
  const dir = mkdtempSync(join(tmpdir(), 'sppkit-browser-bundle-'));

  beforeAll(async () => {
    bundle = await bundleRoot();
    const file = join(dir, 'sppkit.browser.mjs');
    writeFileSync(file, bundle.code);
    sppkit = (await import(pathToFileURL(file).href)) as Sppkit;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reaches no Node built-in and no Node-only package', () => {
    expect(bundle.nodeImports).toEqual([]);
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.filter((file) => /(^|\/)src\/(node\.ts|runtime\/node\/|.*-node\.ts)/.test(file))).toEqual([]);
    expect(inputs.filter((file) => NODE_ONLY_PACKAGES.some((name) => file.includes(`node_modules/${name}/`)))).toEqual(
      [],
    );
  });

  it('exports the browser-safe API and none of the Node-only one', () => {
    for (const name of ['GraphBuilder', 'sppAdaptive', 'encodeModel', 'decodeModel', 'evaluate', 'compareTensors'])
      expect(Object.keys(sppkit), name).toContain(name);
    for (const name of ['getBackend', 'listBackends', 'loadModel', 'saveModel', 'runGolden'])
      expect(Object.keys(sppkit), name).not.toContain(name);
  });

  it('builds a tiny dynamic SPP model, encodes it and evaluates it, all from the bundle', async () => {
    const { GraphBuilder, sppAdaptive, encodeModel, decodeModel, evaluate, DataType, Tensor, referenceBackend } =
      sppkit;
    const b = new GraphBuilder({ name: 'browser_spp', opset: 17 });
    const x = b.input('x', DataType.FLOAT, [1, 2, 'H', 'W']);
    b.output(sppAdaptive(b, x, { levels: [2, 1], pool: 'max' }), 'y');
    const model = b.build();
    const bytes = encodeModel(model);
    expect(bytes.length).toBeGreaterThan(100);
    // x[c, i, j] = 10c + 3i + j on a 3×4 map: the bins of level 2 are rows [0,2) [1,3) × cols [0,2) [2,4).
    const values = Array.from(
      { length: 2 * 3 * 4 },
      (_, k) => 10 * Math.floor(k / 12) + 3 * Math.floor((k % 12) / 4) + (k % 4),
    );
    const feeds = new Map([['x', Tensor.float32([1, 2, 3, 4], values)]]);
    const y = evaluate(decodeModel(bytes), feeds).get('y');
    expect(y?.dims).toEqual([1, 10]);
    expect(y?.toNumbers()).toEqual([4, 6, 7, 9, 14, 16, 17, 19, 9, 19]);
    const session = await referenceBackend.load(model);
    expect((await session.run(feeds)).get('y')?.toNumbers()).toEqual(y?.toNumbers());
    await session.dispose();
  });
});
