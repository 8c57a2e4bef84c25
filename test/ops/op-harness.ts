/**
 * Test helper: builds a one-node model with GraphBuilder (input 0 as the graph input `x`, the other inputs as
 * initializers, `null` for an omitted optional input), runs it with the reference evaluator and returns the
 * outputs in order.
 */
import { GraphBuilder } from '../../src/graph/builder.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { AttrInput, AttrSchema } from '../../src/ops/core/attributes.js';
import type { OpDef } from '../../src/ops/core/op.js';
import { evaluate } from '../../src/runtime/reference.js';

/** Options of `runOp`. */
export interface RunOptions {
  readonly opset?: number;
  readonly outputCount?: number;
}

/** Runs `op` on `inputs` and returns its outputs. */
export function runOp<S extends AttrSchema>(
  op: OpDef<S>,
  inputs: readonly (Tensor | null)[],
  attrs: AttrInput<S>,
  options: RunOptions = {},
): Tensor[] {
  const b = new GraphBuilder({ opset: options.opset ?? 19 });
  const [first, ...rest] = inputs;
  if (first === null || first === undefined) throw new Error('runOp: input 0 is required');
  const x = b.input('x', first.dtype, first.dims);
  const values = [x, ...rest.map((tensor, i) => (tensor === null ? null : b.constant(`in${i + 1}`, tensor)))];
  const outputs = b.op(op, values, attrs, { outputCount: options.outputCount ?? 1 });
  outputs.forEach((value, i) => b.output(value, `out${i}`));
  const results = evaluate(b.build(), new Map([['x', first]]));
  return outputs.map((_, i) => {
    const tensor = results.get(`out${i}`);
    if (tensor === undefined) throw new Error(`runOp: output ${i} missing`);
    return tensor;
  });
}

/** Runs `op` and returns its single output. */
export function runOp1<S extends AttrSchema>(
  op: OpDef<S>,
  inputs: readonly (Tensor | null)[],
  attrs: AttrInput<S>,
  options: RunOptions = {},
): Tensor {
  const [output] = runOp(op, inputs, attrs, options);
  if (output === undefined) throw new Error('runOp1: no output');
  return output;
}

/** `0, 1, 2, ...` as a float32 tensor of the given shape. */
export function iota(dims: readonly number[]): Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return Tensor.float32(
    dims,
    Array.from({ length: size }, (_, i) => i),
  );
}

/** Elements rounded to 5 decimals, for comparing float results with hand-derived decimals. */
export function rounded(tensor: Tensor): number[] {
  return tensor.toNumbers().map((v) => Math.round(v * 1e5) / 1e5);
}
