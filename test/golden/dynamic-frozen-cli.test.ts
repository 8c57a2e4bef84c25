/**
 * The command line of issue 10 (parts 4–5): `sppkit check` warns about adaptive pooling a dynamic export froze at
 * its trace size (exit 0: the model is valid ONNX), `sppkit transform --passes adaptive-spp-dynamic --trace-size HxW`
 * rewrites it into a file that runs at other sizes, and `--explain` says what was looked for when nothing matched.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/export/io-node.js';
import { formatType } from '../../src/ir/value.js';
import { evaluate } from '../../src/runtime/reference.js';
import { bruteForceAdaptiveSpp, randomInput } from '../passes/helpers.js';
import { tensorsIdentical } from '../../src/ir/tensor.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';
import { cli, tempDir } from '../cli/run-cli.js';

const present = haveSharedGolden('dynamic: frozen adaptive pooling on the command line');
const EXPORTS = join(SHARED_GOLDEN, 'torch-export');
const MAX_DYNAMIC = join(EXPORTS, 'torch2_adaptive_spp_max_dynamo_opset17_dynamic_256c_16x16.onnx');
const dir = tempDir('frozen');

describe.skipIf(!present)('frozen adaptive pooling on the command line', () => {
  it('check warns, naming the frozen head and its pools, and still exits 0', async () => {
    const result = await cli('check', MAX_DYNAMIC);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/: ok \(1 warning\(s\)\)$/);
    expect(result.err).toMatch(
      /warning: frozen adaptive pooling: Concat node 'node_cat' concatenates 3 pooling levels of 'x' \[1, 256, H, W\]/,
    );
    expect(result.err).toMatch(/MaxPool node 'node_max_pool2d_with_indices_1__0' \(kernel = stride = 8x8\)/);
  });

  it('transform --trace-size 16x16 rewrites it; the file is right at 17x23 and check no longer warns', async () => {
    const output = join(dir, 'fixed.onnx');
    const result = await cli(
      'transform',
      MAX_DYNAMIC,
      '-o',
      output,
      '--passes',
      'adaptive-spp-dynamic',
      '--trace-size',
      '16x16',
      '--explain',
    );
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/adaptive-spp-dynamic: changed — 1 rewrite\(s\), 0 site\(s\) refused/);
    expect(result.out).toMatch(/fired {3}Concat node 'node_cat'/);
    expect(result.out).toMatch(/outputs are bit-identical/);
    const model = loadModel(output);
    expect(formatType(model.graph.outputs[0]?.type ?? null)).toBe('float32[1, 5376]');
    const x = randomInput([1, 256, 17, 23], 4);
    const y = evaluate(model, new Map([['x', x]])).get('y');
    expect(y !== undefined && tensorsIdentical(y, bruteForceAdaptiveSpp(x, [4, 2, 1], 'max'))).toBe(true);
    const checked = await cli('check', output);
    expect(checked.code).toBe(0);
    expect(checked.err).toBe('');
  });

  it('without --trace-size the head is refused with the reason; a bad --trace-size is a usage error', async () => {
    const refused = await cli(
      'transform',
      MAX_DYNAMIC,
      '-o',
      join(dir, 'same.onnx'),
      '--passes',
      'adaptive-spp-dynamic',
    );
    expect(refused.code).toBe(0);
    expect(refused.out).toMatch(/adaptive-spp-dynamic: unchanged — 0 rewrite\(s\), 1 site\(s\) refused/);
    const bad = await cli(
      'transform',
      MAX_DYNAMIC,
      '-o',
      join(dir, 'x.onnx'),
      '--passes',
      'adaptive-spp-dynamic',
      '--trace-size',
      '16',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/trace size must be HxW/);
  });

  it('--explain says what it looked for and the nearest near-miss when nothing matched', async () => {
    const result = await cli(
      'transform',
      join(EXPORTS, 'sppf_opset17_static_20x20.onnx'),
      '-o',
      join(dir, 'sppf.onnx'),
      '--passes',
      'adaptive-spp-dynamic',
      '--explain',
    );
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /adaptive-spp-dynamic: unchanged — 0 rewrite\(s\): no adaptive pooling site found; nearest near-miss: /,
    );
    expect(result.out).toMatch(/\n {4}looked for: \(1\) SPP heads/);
  });
});
