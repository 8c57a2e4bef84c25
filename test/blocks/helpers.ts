/**
 * Helpers for block tests: build a one-block model (static or symbolic sizes), check it with the checker, and run
 * it on the reference evaluator and on onnxruntime's CPU EP.
 */
import { expect } from 'vitest';
import type { BlockDef } from '../../src/blocks/block.js';
import { seededWeights, type Weights } from '../../src/blocks/weights.js';
import { GraphBuilder, type DimSpec } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { assertValidModel } from '../../src/transform/passes/check.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { evaluate } from '../../src/runtime/reference.js';

/** Builds a model `y = build(x)` with input x of `shape`, checks it, and returns it. */
export function blockModel(shape: readonly DimSpec[], build: (b: GraphBuilder, x: Value) => Value, opset = 17): Model {
  const b = new GraphBuilder({ opset, name: 'block' });
  const x = b.input('x', DataType.FLOAT, shape);
  b.output(build(b, x), 'y');
  const model = b.build();
  assertValidModel(model);
  return model;
}

/** Builds a block with the given (or seeded) weights. */
export function buildBlock<C>(
  block: BlockDef<C>,
  config: C,
  shape: readonly DimSpec[],
  weights?: Weights,
  opset = 17,
): Model {
  const channels = shape[1];
  const w = weights ?? seededWeights(block.params(config, typeof channels === 'number' ? channels : 0), 7);
  return blockModel(shape, (b, x) => block.build(b, x, config, w), opset);
}

/** A float32 NCHW tensor from values in row-major order. */
export function nchwTensor(dims: readonly [number, number, number, number], values: readonly number[]): Tensor {
  return Tensor.float32(dims, values);
}

/** Deterministic pseudo-random float32 input in [-2, 2). */
export function randomInput(dims: readonly number[], seed = 1): Tensor {
  let state = seed >>> 0;
  const size = dims.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 4 - 2;
  });
  return Tensor.float32(dims, values);
}

/** Runs the model on the reference evaluator; returns `y`. */
export function runRef(model: Model, x: Tensor): Tensor {
  const y = evaluate(model, new Map([['x', x]])).get('y');
  if (y === undefined) throw new Error('model has no output y');
  return y;
}

/** Runs the model on onnxruntime's CPU EP; returns `y`. */
export async function runOrt(model: Model, x: Tensor): Promise<Tensor> {
  const session = await getBackend('ort-cpu').load(model);
  try {
    const y = (await session.run(new Map([['x', x]]))).get('y');
    if (y === undefined) throw new Error('model has no output y');
    return y;
  } finally {
    await session.dispose();
  }
}

/** Expects every element of `got` within `tol` of `want` (and the same shape). */
export function expectClose(got: Tensor, wantDims: readonly number[], want: readonly number[], tol = 1e-6): void {
  expect(got.dims).toEqual(wantDims);
  const values = got.toNumbers();
  expect(values.length).toBe(want.length);
  values.forEach((v, i) => {
    const w = want[i] ?? Number.NaN;
    expect(Math.abs(v - w), `element ${i}: got ${v}, want ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}

/** The op types of a model's nodes, in order. */
export function opTypes(model: Model): string[] {
  return model.graph.nodes.map((node) => node.opType);
}
