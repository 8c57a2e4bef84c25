/**
 * Determinism: the same build gives the same bytes within one process and across processes, and without
 * WebAssembly (`node --no-expose-wasm`, a page whose CSP forbids it) the JS kernels run and give the same bits.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildModel, type BuildSpec } from '../../src/cli/commands/build.js';
import { encodeModel, formatType } from '../../src/node.js';
import { REPO_ROOT } from '../shared.js';

const SCRIPT = 'test/hostile/determinism-script.ts';

interface ScriptResult {
  readonly webAssembly: string;
  readonly results: Record<string, { model: string; outputs: string }>;
}

/** Runs the script in a fresh node process with `flags`; returns its JSON. */
function runScript(flags: readonly string[]): ScriptResult {
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', SCRIPT], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (result.status !== 0) throw new Error(`script exited ${String(result.status)}: ${result.stderr}`);
  const line = result.stdout.trim().split('\n').pop() ?? '';
  const parsed: unknown = JSON.parse(line);
  if (typeof parsed !== 'object' || parsed === null || !('webAssembly' in parsed) || !('results' in parsed))
    throw new Error(`script printed no result: ${line}`);
  const { webAssembly, results } = parsed;
  if (typeof webAssembly !== 'string' || typeof results !== 'object' || results === null)
    throw new Error(`script printed a malformed result: ${line}`);
  const entries = Object.entries(results).map(([name, value]: [string, unknown]) => {
    if (typeof value !== 'object' || value === null || !('model' in value) || !('outputs' in value))
      throw new Error(`script result '${name}' is malformed: ${line}`);
    return [name, { model: String(value.model), outputs: String(value.outputs) }] as const;
  });
  return { webAssembly, results: Object.fromEntries(entries) };
}

const dynamicPyramid: BuildSpec = {
  block: 'pyramid-pooling',
  inChannels: 16,
  batch: 1,
  height: 'H',
  width: 'W',
  opset: 17,
  options: {},
  weightsPath: undefined,
  seed: 0,
};

describe('determinism', () => {
  it('builds a dynamic pyramid-pooling twice in one process with identical bytes and a static channel dim 32', () => {
    const first = buildModel(dynamicPyramid);
    const second = buildModel(dynamicPyramid);
    // 16 input channels + 4 bins × 16/4 reduction channels.
    expect(formatType(first.graph.outputs[0]?.type ?? null)).toBe('float32[1, 32, H, W]');
    expect(Buffer.compare(Buffer.from(encodeModel(first)), Buffer.from(encodeModel(second)))).toBe(0);
  });

  it('gives the same model bytes and output bits in two processes, with and without WebAssembly', () => {
    const withWasm = runScript([]);
    const withoutWasm = runScript(['--no-expose-wasm']);
    expect(withWasm.webAssembly).toBe('object');
    expect(withoutWasm.webAssembly).toBe('undefined');
    expect(Object.keys(withWasm.results).length).toBeGreaterThanOrEqual(8);
    expect(withoutWasm.results).toEqual(withWasm.results);
  }, 300_000);
});
