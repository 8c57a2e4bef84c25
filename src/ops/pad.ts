/**
 * Pad (opsets 1, 2, 11, 13, 18, 19, 21, 23, 24, 25): pads (or, with negative pads, crops) each axis.
 * `pads` is `[x1_begin, x2_begin, ..., x1_end, x2_end, ...]` — the attribute `paddings` in opset 1, `pads` in
 * 2–10, the second input from 11 (with `constant_value` the optional third input); from 18 the optional
 * `axes` input says which axes the pads are for. Modes: `constant` (fill with the constant, default 0), `reflect`
 * (mirror without repeating the edge), `edge` (repeat the edge), and from 19 `wrap` (cyclic).
 * Negative pads crop first; the positive pads are then filled from the cropped axis.
 * Spec: https://onnx.ai/onnx/operators/onnx__Pad.html
 */
import { addDims, formatShape, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { Tensor, tensorFromNumbers, stridesOf } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { normalizeAxis } from './shared/broadcast.js';
import { gatherElements, intsOf } from './shared/elementwise.js';
import { checkScratch, defineOp, requireInput, requireType } from './core/op.js';

/** Padding modes. */
type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';

/** Per data axis, `[begin, end]` pads from the raw pads list and optional axes. */
function padsPerAxis(
  rank: number,
  pads: readonly number[],
  axes: readonly number[] | undefined,
  fail: (detail: string) => never,
): [number, number][] {
  const listed = (axes ?? Array.from({ length: rank }, (_, i) => i)).map((axis) =>
    normalizeAxis(axis, rank, 'axis', fail),
  );
  if (pads.length !== 2 * listed.length)
    fail(`pads [${pads.join(', ')}] must have ${2 * listed.length} entries (2 per padded axis)`);
  if (new Set(listed).size !== listed.length) fail(`axes [${(axes ?? []).join(', ')}] repeat an axis`);
  const result: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  listed.forEach((axis, i) => {
    result[axis] = [pads[i] ?? 0, pads[i + listed.length] ?? 0];
  });
  return result;
}

/** The padded shape (symbolic dims allowed); fails when a crop would make a known dim negative. */
function paddedShape(
  shape: readonly Dim[],
  perAxis: readonly [number, number][],
  fail: (detail: string) => never,
): Dim[] {
  return shape.map((dim, axis) => {
    const [begin, end] = perAxis[axis] ?? [0, 0];
    const result = addDims(dim, begin + end);
    if (typeof result === 'number' && result < 0)
      fail(`pads ${begin}, ${end} on axis ${axis} of ${formatShape(shape)} give a negative size ${result}`);
    return result;
  });
}

/** For each output coordinate of one axis, the source coordinate, or -1 for the constant. */
function axisSources(
  dim: number,
  begin: number,
  end: number,
  mode: PadMode,
  axis: number,
  fail: (detail: string) => never,
): Int32Array {
  const low = Math.max(0, -begin);
  const kept = dim - low - Math.max(0, -end);
  if (kept < 0) fail(`pads ${begin}, ${end} crop more than axis ${axis} of size ${dim} holds`);
  const before = Math.max(0, begin);
  const size = kept + before + Math.max(0, end);
  if (mode !== 'constant' && kept === 0 && size > 0) fail(`mode '${mode}' cannot pad axis ${axis}, which is empty`);
  const period = 2 * (kept - 1);
  const sources = new Int32Array(size);
  for (let o = 0; o < size; o += 1) {
    const i = o - before;
    let j: number;
    if (i >= 0 && i < kept) j = i;
    else if (mode === 'constant') {
      sources[o] = -1;
      continue;
    } else if (mode === 'edge') j = Math.min(Math.max(i, 0), kept - 1);
    else if (mode === 'wrap') j = ((i % kept) + kept) % kept;
    else if (kept === 1) j = 0;
    else {
      // Reflection without repeating the edge is periodic with period 2(kept - 1).
      const r = ((i % period) + period) % period;
      j = r < kept ? r : period - r;
    }
    sources[o] = j + low;
  }
  return sources;
}

/** Pads a concrete tensor. */
function padTensor(
  x: Tensor,
  perAxis: readonly [number, number][],
  mode: PadMode,
  fill: Tensor,
  fail: (detail: string) => never,
  checkTable: (elements: number, what: string) => void,
): Tensor {
  const strides = stridesOf(x.dims);
  let offsets = new Int32Array([0]);
  const dims: number[] = [];
  x.dims.forEach((dim, axis) => {
    const [begin, end] = perAxis[axis] ?? [0, 0];
    // At most dim + begin + end sources (less where a pad crops): sized against the limits before they are made.
    checkTable(dim + Math.max(0, begin) + Math.max(0, end), `the sources of axis ${axis} (pads ${begin}, ${end})`);
    const sources = axisSources(dim, begin, end, mode, axis, fail);
    const stride = strides[axis] ?? 0;
    // The offsets of the axes so far: checked before it is made (pads come from the model, and a later axis
    // that pads to nothing does not make this table small).
    checkTable(offsets.length * sources.length, `the source offsets of axes 0..${axis}`);
    const next = new Int32Array(offsets.length * sources.length);
    for (let k = 0; k < offsets.length; k += 1) {
      const base = offsets[k] ?? -1;
      for (let o = 0; o < sources.length; o += 1) {
        const source = sources[o] ?? -1;
        next[k * sources.length + o] = base < 0 || source < 0 ? -1 : base + source * stride;
      }
    }
    offsets = next;
    dims.push(sources.length);
  });
  return gatherElements(x, offsets, dims, fill);
}

export const Pad = defineOp({
  opType: 'Pad',
  domain: '',
  versions: [1, 2, 11, 13, 18, 19, 21, 23, 24, 25],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'pads', type: 'I', since: 11, fromAttribute: 'pads' },
    { name: 'constant_value', type: 'T', optional: true, since: 11, fromAttribute: 'value' },
    { name: 'axes', type: 'Tind', optional: true, since: 18 },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {
    mode: attr.enum('mode', ['constant', 'reflect', 'edge', 'wrap'] as const, 'constant'),
    paddings: attr.optionalInts('paddings', { until: 1 }),
    pads: attr.optionalInts('pads', { since: 2, until: 10 }),
    value: attr.float('value', 0, { until: 10 }),
  },
  types: {
    T: { types: ALL_TYPES },
    I: { types: [DataType.INT64] },
    Tind: { types: [DataType.INT32, DataType.INT64] },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    if (ctx.attrs.mode === 'wrap' && ctx.opset < 19)
      ctx.fail(`mode 'wrap' needs opset 19 (this model uses opset ${ctx.opset})`);
    let pads = ctx.opset < 11 ? legacyPads(ctx.attrs, ctx.opset, ctx.fail) : undefined;
    let axes: readonly number[] | undefined;
    if (ctx.opset >= 11) {
      requireType(ctx, 1);
      const padsConstant = ctx.constant(1);
      const hasAxes = ctx.inputs[3] !== null && ctx.inputs[3] !== undefined;
      const axesConstant = hasAxes ? ctx.constant(3) : undefined;
      if (padsConstant === undefined || (hasAxes && axesConstant === undefined)) {
        return [{ dtype: x.dtype, shape: x.shape === null ? null : x.shape.map(() => SymDim.unknown()) }];
      }
      pads = intsOf(padsConstant, ctx.fail);
      axes = axesConstant === undefined ? undefined : intsOf(axesConstant, ctx.fail);
    }
    if (x.shape === null || pads === undefined) return [{ dtype: x.dtype, shape: null }];
    return [
      { dtype: x.dtype, shape: paddedShape(x.shape, padsPerAxis(x.shape.length, pads, axes, ctx.fail), ctx.fail) },
    ];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const mode = ctx.attrs.mode;
    if (mode === 'wrap' && ctx.opset < 19) ctx.fail(`mode 'wrap' needs opset 19 (this model uses opset ${ctx.opset})`);
    const optional = (index: number): Tensor | undefined => ctx.inputs[index] ?? undefined;
    const pads = ctx.opset < 11 ? legacyPads(ctx.attrs, ctx.opset, ctx.fail) : intsOf(requireInput(ctx, 1), ctx.fail);
    const axesTensor = optional(3);
    const axes = axesTensor === undefined ? undefined : intsOf(axesTensor, ctx.fail);
    const constant = optional(2);
    if (constant !== undefined && constant.size !== 1) {
      ctx.fail(
        `constant_value must be one element of the data's type, got ${constant.describe()} for data ${x.describe()}`,
      );
    }
    const fill =
      constant ??
      (x.dtype === DataType.STRING
        ? new Tensor(x.dtype, [], [''])
        : tensorFromNumbers(x.dtype, [], [ctx.opset < 11 ? ctx.attrs.value : 0]));
    const perAxis = padsPerAxis(x.dims.length, pads, axes, ctx.fail);
    return [padTensor(x, perAxis, mode, fill, ctx.fail, (elements, what) => checkScratch(ctx, elements, what))];
  },
});

/** The pads attribute of opsets 1 (`paddings`) and 2–10 (`pads`). */
function legacyPads(
  attrs: { readonly paddings: readonly number[] | undefined; readonly pads: readonly number[] | undefined },
  opset: number,
  fail: (detail: string) => never,
): readonly number[] {
  const pads = opset < 2 ? attrs.paddings : attrs.pads;
  return pads ?? fail(`attribute '${opset < 2 ? 'paddings' : 'pads'}' is required at opset ${opset}`);
}
