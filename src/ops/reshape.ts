/**
 * Reshape (opsets 1, 5, 13, 14, 19, 21, 23, 24, 25): the same elements under a new shape. In the requested
 * shape, `-1` (at most once) is inferred from the element count and `0` copies the input dim at that index —
 * unless `allowzero = 1` (opset 14), where 0 is a real zero-size dim and may not be combined with -1.
 * Opset 1 took the shape as an attribute; from 5 it is the second input.
 * Spec: https://onnx.ai/onnx/operators/onnx__Reshape.html
 */
import { divDim, dimsEqual, formatShape, SymDim, type Dim } from '../ir/dim.js';
import { ALL_TYPES, DataType } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { dimProduct } from './shared/broadcast.js';
import { intsOf } from './shared/elementwise.js';
import { checkRankOf, defineOp, requireInput, requireType } from './core/op.js';

/**
 * The output shape of reshaping `input` to `requested` (symbolic input dims allowed). The `-1` dim is found by
 * cancelling the symbolic factors the output shares with the input; when that leaves symbolic factors in the
 * divisor (or a product of symbols), the dim is unknown.
 */
function resolveReshape(
  input: readonly Dim[],
  requested: readonly Dim[],
  allowzero: boolean,
  fail: (detail: string) => never,
): Dim[] {
  const shown = `input ${formatShape(input)} to ${formatShape(requested)}`;
  if (requested.some((v) => typeof v === 'number' && (!Number.isInteger(v) || v < -1)))
    fail(`cannot reshape ${shown}: dims must be >= -1`);
  const inferred = requested.indexOf(-1);
  if (requested.lastIndexOf(-1) !== inferred) fail(`cannot reshape ${shown}: at most one dim may be -1`);
  if (allowzero && inferred >= 0 && requested.includes(0))
    fail(`cannot reshape ${shown}: with allowzero = 1, 0 and -1 cannot be combined`);
  const remaining = [...input];
  const copied = new Set<number>();
  const output: Dim[] = requested.map((value, i) => {
    if (value !== 0 || allowzero) return value;
    const dim = input[i];
    if (dim === undefined) return fail(`cannot reshape ${shown}: 0 at index ${i} copies a dim the input does not have`);
    copied.add(i);
    return dim;
  });
  if (inferred < 0) {
    const total = dimProduct(input);
    const wanted = dimProduct(output);
    if (typeof total === 'number' && typeof wanted === 'number' && total !== wanted) {
      fail(`cannot reshape ${shown}: ${total} elements cannot become ${wanted}`);
    }
    return output;
  }
  // Cancel the dims copied by 0 and the symbolic dims the output repeats, then divide what is left.
  const divisor: Dim[] = [];
  output.forEach((dim, i) => {
    if (i === inferred) return;
    if (copied.has(i)) {
      remaining[i] = 1;
      return;
    }
    const match = typeof dim === 'number' ? -1 : remaining.findIndex((d) => typeof d !== 'number' && dimsEqual(d, dim));
    if (match >= 0) remaining[match] = 1;
    else divisor.push(dim);
  });
  const numerator = dimProduct(remaining);
  const denominator = dimProduct(divisor);
  let result: Dim;
  if (typeof denominator !== 'number') result = SymDim.unknown();
  else if (denominator === 0) return fail(`cannot reshape ${shown}: -1 cannot be inferred when another dim is 0`);
  else if (typeof numerator === 'number') {
    if (numerator % denominator !== 0)
      fail(`cannot reshape ${shown}: ${dimProduct(input).toString()} elements are not divisible by ${denominator}`);
    result = numerator / denominator;
  } else result = numerator.isUnknown ? SymDim.unknown() : divDim(numerator, denominator, 'floor');
  output[inferred] = result;
  return output;
}

export const Reshape = defineOp({
  opType: 'Reshape',
  domain: '',
  versions: [1, 5, 13, 14, 19, 21, 23, 24, 25],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'shape', type: 'I', since: 5, fromAttribute: 'shape' },
  ],
  outputs: [{ name: 'reshaped', type: 'T' }],
  attributes: {
    shape: attr.optionalInts('shape', { until: 4 }),
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 4 }),
    allowzero: attr.int('allowzero', 0, { since: 14 }),
  },
  types: { T: { types: ALL_TYPES }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    let requested: readonly Dim[] | undefined = ctx.attrs.shape;
    if (ctx.opset >= 5) {
      const shapeType = requireType(ctx, 1);
      const constant = ctx.constant(1);
      // A shape computed in the graph may be known as dims (`[N, C*4]` from Shape and int64 arithmetic).
      const computed = ctx.shapeValue(1);
      if (constant !== undefined) requested = intsOf(constant, ctx.fail);
      else if (computed !== undefined) requested = computed;
      else {
        const length = shapeType.shape?.[0];
        if (typeof length !== 'number') return [{ dtype: x.dtype, shape: null }];
        checkRankOf(ctx, length, `output rank (the length of input 'shape', ${formatShape(shapeType.shape)})`);
        return [{ dtype: x.dtype, shape: Array.from({ length }, () => SymDim.unknown()) }];
      }
    }
    if (requested === undefined) return ctx.fail(`needs the 'shape' attribute at opset ${ctx.opset}`);
    checkRankOf(ctx, requested.length, `output rank (the ${requested.length} requested dims)`);
    if (x.shape === null) {
      return [
        {
          dtype: x.dtype,
          shape: requested.map((v) =>
            typeof v !== 'number' || v > 0 || (v === 0 && ctx.attrs.allowzero === 1) ? v : SymDim.unknown(),
          ),
        },
      ];
    }
    return [{ dtype: x.dtype, shape: resolveReshape(x.shape, requested, ctx.attrs.allowzero === 1, ctx.fail) }];
  },
  run(ctx) {
    const x = requireInput(ctx, 0);
    const requested = ctx.opset >= 5 ? intsOf(requireInput(ctx, 1), ctx.fail) : ctx.attrs.shape;
    if (requested === undefined) return ctx.fail(`needs the 'shape' attribute at opset ${ctx.opset}`);
    checkRankOf(ctx, requested.length, `output rank (the ${requested.length} requested dims)`);
    const dims = resolveReshape(x.dims, requested, ctx.attrs.allowzero === 1, ctx.fail);
    return [
      x.reshape(
        dims.map((dim) =>
          typeof dim === 'number' ? dim : ctx.fail(`internal: symbolic dim reshaping ${x.describe()}`),
        ),
      ),
    ];
  },
});
