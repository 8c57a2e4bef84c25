/**
 * Clip (opsets 1, 6, 11, 12, 13): limits every element to `[min, max]`, as `Y = Min(max, Max(X, min))` — so when
 * min > max every element becomes max, and NaN stays NaN. Until 10 the bounds are float attributes (at 6 they
 * default to ∓FLT_MAX, float32's largest finite value; at 1 an absent bound does not clip); from 11 they are
 * optional scalar inputs of X's type (an omitted bound does not clip). Floats only until 11; every numeric type
 * from 12 (int64/uint64 compared exactly), bfloat16 from 13.
 * Spec: https://onnx.ai/onnx/operators/onnx__Clip.html
 */
import { formatShape, type Dim } from '../ir/dim.js';
import { DataType, NUMERIC_TYPES, SIGNED_INT_TYPES, UNSIGNED_INT_TYPES } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { bigintOutput, bigintsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';

/** The first opset with min/max as inputs. */
const BOUNDS_AS_INPUTS = 11;
/** The first opset whose absent bound attributes default to ∓FLT_MAX. */
const FLT_MAX_DEFAULTS = 6;
/** float32's largest finite value (C's FLT_MAX, numeric_limits<float>::max()). */
const FLT_MAX = 3.4028234663852886e38;

/** Which input a bound is, for messages. */
const BOUND_NAMES = ['', 'min', 'max'] as const;

/** Refuses a bound input that is not a single element (the spec asks for a scalar; `[1]` is accepted). */
function checkBoundShape(index: 1 | 2, shape: readonly Dim[] | null, fail: (detail: string) => never): void {
  if (shape === null) return;
  if (shape.some((dim) => typeof dim === 'number' && dim !== 1))
    fail(`${BOUND_NAMES[index]} (input ${index}) must be a scalar, got shape ${formatShape(shape)}`);
}

/** The lower and upper bound as numbers (floats decoded), `∓Infinity` where absent. */
function numberBounds(lo: Tensor | null, hi: Tensor | null, fail: (d: string) => never): [number, number] {
  return [
    lo === null ? -Infinity : (numbersOf(lo, fail)[0] ?? -Infinity),
    hi === null ? Infinity : (numbersOf(hi, fail)[0] ?? Infinity),
  ];
}

/** Clips a tensor to the bound tensors (each a single element of X's type, or null). */
function clipTensor(x: Tensor, lo: Tensor | null, hi: Tensor | null, fail: (d: string) => never): Tensor {
  if (isBigIntData(x.data)) {
    const input = bigintsOf(x, fail);
    const min = lo === null ? undefined : bigintsOf(lo, fail)[0];
    const max = hi === null ? undefined : bigintsOf(hi, fail)[0];
    const out = bigintOutput(x.dtype, input.length, fail);
    for (let i = 0; i < input.length; i += 1) {
      let v = input[i] ?? 0n;
      if (min !== undefined && v < min) v = min;
      if (max !== undefined && v > max) v = max;
      out[i] = v;
    }
    return new Tensor(x.dtype, x.dims, out);
  }
  const [min, max] = numberBounds(lo, hi, fail);
  return clipNumbers(x, min, max, fail);
}

/** `min(max, max(x, min))` over a number-valued tensor (NaN propagates through Math.max/Math.min). */
function clipNumbers(x: Tensor, min: number, max: number, fail: (d: string) => never): Tensor {
  const input = numbersOf(x, fail);
  const out = numberOutput(x.dtype, input.length, fail);
  for (let i = 0; i < input.length; i += 1) out.data[i] = Math.min(max, Math.max(input[i] ?? 0, min));
  return out.finish(x.dims);
}

/** The Clip op: every element limited to `[min, max]`. */
export const Clip = defineOp({
  opType: 'Clip',
  domain: '',
  versions: [1, 6, 11, 12, 13],
  inputs: [
    { name: 'input', type: 'T' },
    { name: 'min', type: 'T', optional: true, since: BOUNDS_AS_INPUTS, fromAttribute: 'min' },
    { name: 'max', type: 'T', optional: true, since: BOUNDS_AS_INPUTS, fromAttribute: 'max' },
  ],
  outputs: [{ name: 'output', type: 'T' }],
  attributes: {
    min: attr.optionalFloat('min', { until: BOUNDS_AS_INPUTS - 1 }),
    max: attr.optionalFloat('max', { until: BOUNDS_AS_INPUTS - 1 }),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
  },
  types: {
    T: {
      types: NUMERIC_TYPES,
      since: addedAt({ 12: [...SIGNED_INT_TYPES, ...UNSIGNED_INT_TYPES], 13: [DataType.BFLOAT16] }),
    },
  },
  infer(ctx) {
    const x = requireType(ctx, 0);
    for (const index of [1, 2] as const) {
      const bound = ctx.inputs[index];
      if (bound !== null && bound !== undefined) checkBoundShape(index, bound.shape, ctx.fail);
    }
    return [x];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    if (ctx.opset < BOUNDS_AS_INPUTS) {
      const fallback = ctx.opset >= FLT_MAX_DEFAULTS ? FLT_MAX : Infinity;
      return [clipNumbers(x, ctx.attrs.min ?? -fallback, ctx.attrs.max ?? fallback, ctx.fail)];
    }
    const bounds = ([1, 2] as const).map((index) => {
      const bound = ctx.inputs[index] ?? null;
      if (bound !== null) checkBoundShape(index, bound.dims, ctx.fail);
      return bound;
    });
    return [clipTensor(x, bounds[0] ?? null, bounds[1] ?? null, ctx.fail)];
  },
});
