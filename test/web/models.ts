/**
 * SPP-style models for the onnxruntime-web tests, built with sppkit's blocks, and deterministic inputs.
 */
import { sppAdaptive, sppfBlock, seededWeights } from '../../src/blocks/index.js';
import { GraphBuilder, type DimSpec } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';

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
