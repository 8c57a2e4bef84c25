/**
 * The models of the runtime suites (test/runtime, test/web), built with GraphBuilder and sppkit's blocks, with
 * deterministic inputs for them: a MaxPool pyramid, sppAdaptive and SPPF.
 */
import { sppAdaptive, sppfBlock, seededWeights } from '../../src/blocks/index.js';
import { GraphBuilder, type DimSpec } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorFromNumbers, tensorsIdentical } from '../../src/ir/tensor.js';
import { MaxPool } from '../../src/ops/max-pool.js';
import { expect } from 'vitest';

/**
 * An SPPF-like pyramid on x[1, 2, H, W]: three chained same-padded k5 s1 pools (y5, y9, y13 as in SPPF), plus a
 * k2 s2 pool (half) and a k3 s2 ceil_mode pool with asymmetric pads (ceil).
 */
export function pyramidModel(height: DimSpec = 7, width: DimSpec = 6, dtype: DataType = DataType.FLOAT): Model {
  const b = new GraphBuilder({ name: 'pyramid', opset: 17 });
  const x = b.input('x', dtype, [1, 2, height, width]);
  const same = { kernelShape: [5, 5], pads: [2, 2, 2, 2] };
  const y5 = b.op1(MaxPool, [x], same, { name: 'pool5' });
  const y9 = b.op1(MaxPool, [y5], same, { name: 'pool9' });
  const y13 = b.op1(MaxPool, [y9], same, { name: 'pool13' });
  b.output(y5, 'y5');
  b.output(y9, 'y9');
  b.output(y13, 'y13');
  b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2], strides: [2, 2] }, { name: 'half' }), 'half');
  b.output(
    b.op1(MaxPool, [x], { kernelShape: [3, 3], strides: [2, 2], pads: [0, 1, 1, 0], ceilMode: 1 }, { name: 'ceil' }),
    'ceil',
  );
  return b.build();
}

/** x[1, 2, h, w] with repeating values, ties and negatives (exact in float16 too); `offset` shifts all of them. */
export function pyramidInput(height = 7, width = 6, dtype: DataType = DataType.FLOAT, offset = 0): Tensor {
  const size = 2 * height * width;
  const values = Array.from({ length: size }, (_, i) => ((i * 37) % 23) - 11.5 + offset);
  return dtype === DataType.FLOAT
    ? Tensor.float32([1, 2, height, width], values)
    : tensorFromNumbers(dtype, [1, 2, height, width], values);
}

/** Asserts both maps hold the same names, and tensors of the same type and shape with identical bits. */
export function expectIdentical(got: Map<string, Tensor>, want: Map<string, Tensor>): void {
  expect([...got.keys()]).toEqual([...want.keys()]);
  for (const [name, tensor] of want) {
    const actual = got.get(name);
    expect(actual?.describe(), name).toBe(tensor.describe());
    expect(
      actual !== undefined && tensorsIdentical(actual, tensor),
      `${name}: ${actual?.toNumbers().join(',')} vs ${tensor.toNumbers().join(',')}`,
    ).toBe(true);
  }
}

/** sppAdaptive (levels 4, 2, 1) on x[1, channels, H, W] → y[1, channels·21]. */
export function sppAdaptiveModel(pool: 'max' | 'avg', height: DimSpec, width: DimSpec, channels = 3): Model {
  const b = new GraphBuilder({ name: `spp_adaptive_${pool}`, opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, channels, height, width]);
  b.output(sppAdaptive(b, x, { levels: [4, 2, 1], pool }), 'y');
  return b.build();
}

/** Ultralytics SPPF (c1 = 4 → c2 = 4, k = 5) with seeded weights on x[1, 4, H, W]. */
export function sppfModel(height: DimSpec = 8, width: DimSpec = 8): Model {
  const b = new GraphBuilder({ name: 'sppf', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 4, height, width]);
  const config = { outChannels: 4 };
  b.output(sppfBlock.build(b, x, config, seededWeights(sppfBlock.params(config, 4), 7)), 'y');
  return b.build();
}

/** x[1, channels, h, w]: a fixed pseudo-random pattern in [-2, 2) with ties; `offset` shifts every value. */
export function patternInput(channels: number, height: number, width: number, offset = 0): Tensor {
  const values = Array.from({ length: channels * height * width }, (_, i) => (((i * 7919) % 101) - 50) / 25 + offset);
  return Tensor.float32([1, channels, height, width], values);
}
