/**
 * One dynamic sppAdaptive model per level set and pool (symbolic N, H and W; built once, written to bytes and read
 * back, as a user ships it) must give adaptive pooling as PyTorch defines it at every size: maps smaller than the
 * finest level, odd and even, square and not, divisible by the levels and not — on every backend available here.
 * The expected values are computed in this file by brute force from PyTorch's bin rule (bin i of n on an axis of
 * size a covers [floor(i·a/n), ceil((i+1)·a/n))), not by sppkit.
 */
import { describe, expect, it } from 'vitest';
import { sppAdaptive } from '../../src/blocks/spp-adaptive.js';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorsIdentical } from '../../src/ir/tensor.js';
import type { BackendName } from '../../src/runtime/backend.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { evaluate } from '../../src/runtime/reference.js';
import { assertValidModel } from '../../src/transform/passes/check.js';
import { randomInput } from './helpers.js';

const CHANNELS = 3;
const LEVEL_SETS: readonly (readonly number[])[] = [
  [4, 2, 1],
  [6, 3, 2, 1],
  [1, 2, 3],
];
/** [batch, height, width]: below the finest level, odd, even, prime, divisible by 4 and/or 6 or by neither. */
const SIZES: readonly (readonly [number, number, number])[] = [
  [1, 1, 1],
  [1, 2, 3],
  [2, 3, 3],
  [1, 5, 7],
  [1, 6, 6],
  [2, 7, 11],
  [1, 9, 9],
  [1, 12, 12],
  [1, 13, 13],
  [2, 16, 16],
  [1, 17, 23],
  [1, 24, 24],
  [1, 40, 40],
];
/** Fewer sizes on the slow backends (WebGPU runs on a software Vulkan driver here): small, odd, divisible. */
const FEW_SIZES = SIZES.filter(([, h]) => [3, 7, 16].includes(h));
const AVG_TOLERANCE = { atol: 1e-5, rtol: 1e-5 };

/** Adaptive max/avg pooling at every level, flattened channel-major and concatenated: [N, C·Σn²]. */
function bruteForce(x: Tensor, levels: readonly number[], pool: 'max' | 'avg'): Tensor {
  const [batch = 1, channels = 1, height = 1, width = 1] = x.dims;
  const data = x.toNumbers();
  const bin = (i: number, n: number, a: number): [number, number] => [
    Math.floor((i * a) / n),
    Math.ceil(((i + 1) * a) / n),
  ];
  const out: number[] = [];
  for (let b = 0; b < batch; b += 1) {
    for (const n of levels) {
      for (let c = 0; c < channels; c += 1) {
        for (let i = 0; i < n; i += 1) {
          for (let j = 0; j < n; j += 1) {
            const [r0, r1] = bin(i, n, height);
            const [c0, c1] = bin(j, n, width);
            const cell: number[] = [];
            for (let r = r0; r < r1; r += 1)
              for (let q = c0; q < c1; q += 1) cell.push(data[((b * channels + c) * height + r) * width + q] ?? NaN);
            out.push(pool === 'max' ? Math.max(...cell) : cell.reduce((s, v) => s + v, 0) / cell.length);
          }
        }
      }
    }
  }
  return Tensor.float32([batch, channels * levels.reduce((s, n) => s + n * n, 0)], out);
}

function dynamicModel(levels: readonly number[], pool: 'max' | 'avg'): Model {
  const b = new GraphBuilder({ opset: 17, name: `spp_${pool}_${levels.join('_')}` });
  const x = b.input('x', DataType.FLOAT, ['N', CHANNELS, 'H', 'W']);
  b.output(sppAdaptive(b, x, { levels, pool }), 'y');
  const model = decodeModel(encodeModel(b.build()), 'dynamic sppAdaptive');
  assertValidModel(model);
  return model;
}

function mismatch(got: Tensor | undefined, want: Tensor, pool: 'max' | 'avg'): string | undefined {
  if (got === undefined) return 'no output y';
  if (pool === 'max') return tensorsIdentical(got, want) ? undefined : compareTensors(got, want).message;
  const comparison = compareTensors(got, want, AVG_TOLERANCE);
  return comparison.ok ? undefined : comparison.message;
}

const BACKENDS: readonly { readonly name: BackendName; readonly sizes: typeof SIZES }[] = [
  { name: 'ref', sizes: SIZES },
  { name: 'ort-cpu', sizes: SIZES },
  { name: 'web-wasm', sizes: FEW_SIZES },
  { name: 'ort-webgpu', sizes: FEW_SIZES },
];

describe('one dynamic sppAdaptive model serves every size', () => {
  for (const levels of LEVEL_SETS) {
    for (const pool of ['max', 'avg'] as const) {
      const model = dynamicModel(levels, pool);
      for (const { name, sizes } of BACKENDS) {
        const how = pool === 'max' ? 'bit for bit' : 'within float rounding';
        it(`levels ${levels.join(',')} ${pool} on ${name}: ${how}`, async () => {
          const backend = getBackend(name);
          const availability = await backend.availability();
          if (!availability.available) {
            console.warn(`SKIP ${name}: ${availability.reason}`);
            return;
          }
          const session = name === 'ref' ? undefined : await backend.load(model);
          const failures: string[] = [];
          try {
            for (const [batch, height, width] of sizes) {
              const x = randomInput([batch, CHANNELS, height, width], height * 100 + width);
              const feeds = new Map([['x', x]]);
              const got = session === undefined ? evaluate(model, feeds).get('y') : (await session.run(feeds)).get('y');
              const problem = mismatch(got, bruteForce(x, levels, pool), pool);
              if (problem !== undefined) failures.push(`${batch}×${CHANNELS}×${height}×${width}: ${problem}`);
            }
          } finally {
            await session?.dispose();
          }
          expect(failures).toEqual([]);
        });
      }
    }
  }
});
