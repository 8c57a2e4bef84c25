/**
 * Concat (opsets 1, 4, 11, 13): joins tensors along `axis` (required from 4, default 1 before; negative from
 * 11). Every other dim must agree.
 * Spec: https://onnx.ai/onnx/operators/onnx__Concat.html
 */
import { addDims, formatShape, type Dim } from '../ir/dim.js';
import { ALL_TYPES, allocate } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { normalizeAxis } from './shared/broadcast.js';
import { copyElements } from './shared/elementwise.js';
import { defineOp, requireInput } from './core/op.js';

/** The axis in force: required from opset 4, 1 by default before. */
function axisAt(axis: number | undefined, opset: number, fail: (detail: string) => never): number {
  if (axis !== undefined) return axis;
  return opset < 4 ? 1 : fail(`attribute 'axis' is required from opset 4 (this model uses opset ${opset})`);
}

export const Concat = defineOp({
  opType: 'Concat',
  domain: '',
  versions: [1, 4, 11, 13],
  inputs: [{ name: 'inputs', type: 'T', variadic: true }],
  outputs: [{ name: 'concat_result', type: 'T' }],
  attributes: { axis: attr.optionalInt('axis') },
  types: { T: { types: ALL_TYPES } },
  infer(ctx) {
    const types = ctx.inputs.map((type, i) => type ?? ctx.fail(`input ${i} has no known type`));
    const first = types[0] ?? ctx.fail('needs at least one input');
    const axisAttr = axisAt(ctx.attrs.axis, ctx.opset, ctx.fail);
    const shapes = types.map((type) => type.shape);
    if (shapes.some((shape) => shape === null)) return [{ dtype: first.dtype, shape: null }];
    const known = shapes.filter((shape): shape is readonly Dim[] => shape !== null);
    const rank = known[0]?.length ?? 0;
    const shown = known.map(formatShape).join(', ');
    if (known.some((shape) => shape.length !== rank)) ctx.fail(`all inputs must have the same rank, got ${shown}`);
    const axis = normalizeAxis(axisAttr, rank, 'axis', ctx.fail);
    const shape: Dim[] = [];
    for (let d = 0; d < rank; d += 1) {
      const dims = known.map((s) => s[d] ?? 0);
      if (d === axis) {
        shape.push(dims.reduce<Dim>((total, dim) => addDims(total, dim), 0));
        continue;
      }
      const numbers = dims.filter((dim): dim is number => typeof dim === 'number');
      if (numbers.some((dim) => dim !== numbers[0]))
        ctx.fail(`inputs ${shown} differ at axis ${d}, which is not the concat axis ${axisAttr}`);
      shape.push(numbers[0] ?? dims[0] ?? 0);
    }
    return [{ dtype: first.dtype, shape }];
  },
  run(ctx) {
    const inputs = ctx.inputs.map((_, i) => requireInput(ctx, i));
    const first = inputs[0] ?? ctx.fail('needs at least one input');
    const rank = first.dims.length;
    const axis = normalizeAxis(axisAt(ctx.attrs.axis, ctx.opset, ctx.fail), rank, 'axis', ctx.fail);
    const shown = inputs.map((t) => t.describe()).join(', ');
    for (const t of inputs) {
      if (t.dims.length !== rank || t.dims.some((dim, d) => d !== axis && dim !== first.dims[d])) {
        ctx.fail(`inputs ${shown} cannot be joined along axis ${axis}`);
      }
    }
    const dims = first.dims.map((dim, d) =>
      d === axis ? inputs.reduce((total, t) => total + (t.dims[axis] ?? 0), 0) : dim,
    );
    const outer = first.dims.slice(0, axis).reduce((total, dim) => total * dim, 1);
    const inner = first.dims.slice(axis + 1).reduce((total, dim) => total * dim, 1);
    const out = allocate(
      first.dtype,
      dims.reduce((total, dim) => total * dim, 1),
    );
    let position = 0;
    for (let o = 0; o < outer; o += 1) {
      for (const t of inputs) {
        const block = (t.dims[axis] ?? 0) * inner;
        copyElements(out, position, t.data, o * block, block);
        position += block;
      }
    }
    return [new Tensor(first.dtype, dims, out)];
  },
});
