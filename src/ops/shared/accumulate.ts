/**
 * Sum and Mean (opsets 1, 6, 8, 13): the elementwise sum, or mean, of one or more float inputs. Numpy broadcasting
 * from opset 8 (equal shapes before); bfloat16 from 13. The sum is accumulated in float64 over the inputs in
 * order and rounded once to the inputs' type (Mean divides by the input count first).
 */
import { formatShape, type Dim } from '../../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../../ir/dtype.js';
import type { Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, type OpDef } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes } from './broadcast.js';
import { numberOutput, numbersOf } from './elementwise.js';

/** The attributes of Sum/Mean (only the legacy `consumed_inputs`). */
const accumulateAttributes = { consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }) } as const;

/** The first opset with numpy broadcasting. */
const BROADCAST_OPSET = 8;

/** True unless two shapes provably differ (a symbolic dim may equal anything). */
function mayBeEqual(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => typeof d !== 'number' || typeof b[i] !== 'number' || d === b[i]);
}

/** Refuses inputs of different shapes before opset 8, naming every shape. */
function checkSameShapes(shapes: readonly (readonly Dim[] | null)[], fail: (detail: string) => never): void {
  const known = shapes.filter((shape) => shape !== null);
  const [first] = known;
  if (first !== undefined && !known.every((shape) => mayBeEqual(shape, first)))
    fail(
      `before opset ${BROADCAST_OPSET} all inputs must have the same shape, got ${shapes.map(formatShape).join(', ')}`,
    );
}

/** Adds up broadcast inputs in float64; `Mean` divides by their count. Rounded once to the inputs' type. */
function accumulate(inputs: readonly Tensor[], mean: boolean, fail: (detail: string) => never): Tensor {
  const [first] = inputs;
  if (first === undefined) return fail('needs at least one input');
  const dims = broadcastConcrete(
    inputs.map((t) => t.dims),
    fail,
  );
  const size = dims.reduce((total, dim) => total * dim, 1);
  const sum = new Float64Array(size);
  for (const input of inputs) {
    const map = broadcastIndexMap(input.dims, dims);
    const values = numbersOf(input, fail);
    for (let i = 0; i < size; i += 1) sum[i] = (sum[i] ?? 0) + (values[map[i] ?? 0] ?? 0);
  }
  const out = numberOutput(first.dtype, size, fail);
  for (let i = 0; i < size; i += 1) out.data[i] = mean ? (sum[i] ?? 0) / inputs.length : (sum[i] ?? 0);
  return out.finish(dims);
}

/** Defines Sum or Mean. */
export function defineAccumulate(opType: 'Sum' | 'Mean'): OpDef<typeof accumulateAttributes> {
  return defineOp({
    opType,
    domain: '',
    versions: [1, 6, 8, 13],
    inputs: [{ name: 'data_0', type: 'T', variadic: true }],
    outputs: [{ name: opType.toLowerCase(), type: 'T' }],
    attributes: accumulateAttributes,
    types: { T: { types: FLOAT_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) } },
    infer(ctx) {
      const types = ctx.inputs.map((type, i) => type ?? ctx.fail(`input ${i} has no known type`));
      const first = types[0] ?? ctx.fail('needs at least one input');
      const shapes = types.map((type) => type.shape);
      if (ctx.opset < BROADCAST_OPSET) checkSameShapes(shapes, ctx.fail);
      return [{ dtype: first.dtype, shape: broadcastShapes(shapes, ctx.fail) }];
    },
    run(ctx) {
      const inputs = ctx.inputs.map((_, i) => requireInput(ctx, i));
      if (ctx.opset < BROADCAST_OPSET)
        checkSameShapes(
          inputs.map((t) => t.dims),
          ctx.fail,
        );
      return [accumulate(inputs, opType === 'Mean', ctx.fail)];
    },
  });
}
