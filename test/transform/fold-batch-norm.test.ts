import { describe, expect, it } from 'vitest';
import { sppfBlock } from '../../src/blocks/ultralytics.js';
import { seededWeights } from '../../src/blocks/weights.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorFromNumbers, tensorsIdentical } from '../../src/ir/tensor.js';
import { foldBatchNorm } from '../../src/ops/shared/fold-batch-norm.js';
import { foldBnPass } from '../../src/transform/passes/fold-bn.js';

/** A float64 tensor. */
function double(dims: readonly number[], values: readonly number[]): Tensor {
  return tensorFromNumbers(DataType.DOUBLE, dims, values);
}

/** sppf (C 8 -> 6) on a 1×8×6×6 input with seeded weights, BatchNorm kept or folded at build time. */
function sppfModel(keepBn: boolean): Model {
  const config = { outChannels: 6, keepBn };
  const weights = seededWeights(sppfBlock.params(config, 8), 11);
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 8, 6, 6]);
  b.output(sppfBlock.build(b, x, config, weights), 'y');
  return b.build();
}

/** Weight and bias of every Conv, in graph order. */
function convParams(model: Model): { weight: Tensor; bias: Tensor }[] {
  return model.graph.nodes
    .filter((node) => node.opType === 'Conv')
    .map((node) => {
      const [weight, bias] = [node.inputs[1]?.constValue, node.inputs[2]?.constValue];
      if (weight === null || weight === undefined || bias === null || bias === undefined)
        throw new Error(`${node.label()} has no constant weight and bias`);
      return { weight, bias };
    });
}

describe('one BatchNorm fold for blocks and the fold-bn pass', () => {
  it('folds by W·s and (B − mean)·s + beta with s = gamma/√(var + eps), on a hand-derived case', () => {
    // s = [3/√(3+1), 0.5/√(0+1)] = [1.5, 0.5]; W' = [2·1.5, −1·0.5];
    // B' = [(0.5−0.5)·1.5 + 1, (1−2)·0.5 − 2] = [1, −2.5].
    const folded = foldBatchNorm(
      Tensor.float32([2, 1, 1, 1], [2, -1]),
      {
        gamma: Tensor.float32([2], [3, 0.5]),
        beta: Tensor.float32([2], [1, -2]),
        mean: Tensor.float32([2], [0.5, 2]),
        variance: Tensor.float32([2], [3, 0]),
        eps: 1,
      },
      Tensor.float32([2], [0.5, 1]),
    );
    expect(folded.weight.dtype).toBe(DataType.FLOAT);
    expect(folded.weight.dims).toEqual([2, 1, 1, 1]);
    expect(folded.weight.toNumbers()).toEqual([3, -0.5]);
    expect(folded.bias.toNumbers()).toEqual([1, -2.5]);
  });

  it('keeps float64 weights float64 and rounds float32 results once from float64', () => {
    // s = 1/√3 is irrational: float64 keeps 1/√3·1, float32 holds Math.fround of the float64 product.
    const bn = {
      gamma: double([1], [1]),
      beta: double([1], [0]),
      mean: double([1], [0]),
      variance: double([1], [2]),
      eps: 1,
    };
    const wide = foldBatchNorm(double([1, 1, 1, 1], [1]), bn);
    expect(wide.weight.dtype).toBe(DataType.DOUBLE);
    expect(wide.weight.toNumbers()).toEqual([1 / Math.sqrt(3)]);
    const single = foldBatchNorm(Tensor.float32([1, 1, 1, 1], [1]), {
      ...bn,
      gamma: Tensor.float32([1], [1]),
      beta: Tensor.float32([1], [0]),
      mean: Tensor.float32([1], [0]),
      variance: Tensor.float32([1], [2]),
    });
    expect(single.weight.toNumbers()).toEqual([Math.fround(1 / Math.sqrt(3))]);
  });

  it('refuses parameters that are not one per output channel, naming them', () => {
    const one = Tensor.float32([1], [1]);
    expect(() =>
      foldBatchNorm(Tensor.float32([2, 1, 1, 1], [1, 2]), { gamma: one, beta: one, mean: one, variance: one, eps: 0 }),
    ).toThrow(/gamma .* does not have one value per output channel .* \(2\)/);
  });

  it('sppf built with BatchNorm kept, then fold-bn, has the Conv weight and bias bits of sppf built folded', () => {
    const kept = sppfModel(true);
    expect(kept.graph.nodes.filter((node) => node.opType === 'BatchNormalization')).toHaveLength(2);
    const result = foldBnPass.run(kept);
    expect(result.modified).toBe(true);
    expect(result.events?.map((event) => event.kind)).toEqual(['fired', 'fired']);
    expect(kept.graph.nodes.some((node) => node.opType === 'BatchNormalization')).toBe(false);
    const passFolded = convParams(kept);
    const buildFolded = convParams(sppfModel(false));
    expect(passFolded).toHaveLength(2);
    expect(buildFolded).toHaveLength(2);
    passFolded.forEach((params, index) => {
      const other = buildFolded[index];
      expect(other !== undefined && tensorsIdentical(params.weight, other.weight), `conv ${index} weight`).toBe(true);
      expect(other !== undefined && tensorsIdentical(params.bias, other.bias), `conv ${index} bias`).toBe(true);
    });
  });
});
