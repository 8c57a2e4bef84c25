/**
 * ConstantOfShape (opsets 9, 20, 21, 23, 24, 25): a tensor of the shape given by the 1-D int64 input, every element
 * the single element of the `value` attribute (default: a float32 0). The output type is `value`'s: float16,
 * float, double, the integers and bool; bfloat16 from 20 (later versions add types sppkit does not hold). A 0 in
 * the shape gives an empty tensor, an empty shape a scalar; negative dims are refused. The output shape stays
 * symbolic when the shape input is computed from `Shape` (`[N, 3, H, W]`). The reference kernel refuses (as
 * unsupported) outputs of more than 2^28 elements.
 * Spec: https://onnx.ai/onnx/operators/onnx__ConstantOfShape.html
 */
import { formatShape, SymDim, type Dim } from '../ir/dim.js';
import { allocate, DataType, dtypeName } from '../ir/dtype.js';
import { describeNode, UnsupportedError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { checkRankOf, defineOp, requireInput, requireType } from './core/op.js';
import { addedAt, typesAt } from './core/types.js';
import { intsOf, isBigIntData, isNumberData } from './shared/elementwise.js';

/** The fill value's allowed types (type variable T2); the registry checks inputs only, so `value` is checked here. */
const VALUE_TYPES = {
  types: [
    DataType.FLOAT16,
    DataType.FLOAT,
    DataType.DOUBLE,
    DataType.INT8,
    DataType.INT16,
    DataType.INT32,
    DataType.INT64,
    DataType.UINT8,
    DataType.UINT16,
    DataType.UINT32,
    DataType.UINT64,
    DataType.BOOL,
    DataType.BFLOAT16,
  ],
  since: addedAt({ 20: [DataType.BFLOAT16] }),
};

/**
 * The largest output the reference kernel allocates (2^28 elements, 2 GiB of int64): beyond it ConstantOfShape is
 * refused as unsupported rather than left to fail inside the allocator (a 1e6 × 1e6 fill is a valid model).
 */
const MAX_FILL_ELEMENTS = 2 ** 28;

/** The default fill value: a float32 zero. */
const DEFAULT_VALUE = Tensor.float32([1], [0]);

/** The fill value, checked: one element of a type T2 admits at `opset`. */
function fillValue(value: Tensor | undefined, opset: number, fail: (detail: string) => never): Tensor {
  const fill = value ?? DEFAULT_VALUE;
  if (fill.size !== 1) fail(`attribute 'value' must hold exactly one element, got ${fill.describe()}`);
  const allowed = typesAt(VALUE_TYPES, opset);
  if (!allowed.includes(fill.dtype)) {
    fail(
      `attribute 'value' has type ${dtypeName(fill.dtype)}, but only ${allowed.map(dtypeName).join(', ')} ` +
        `are allowed at opset ${opset}`,
    );
  }
  return fill;
}

/** Refuses a shape input that is not 1-D, naming its shape. */
function checkShapeRank(shape: readonly Dim[] | null, fail: (detail: string) => never): void {
  if (shape !== null && shape.length !== 1) fail(`input (the shape) must be 1-D, got shape ${formatShape(shape)}`);
}

/** The ConstantOfShape op: a tensor of the given shape filled with `value`. */
export const ConstantOfShape = defineOp({
  opType: 'ConstantOfShape',
  domain: '',
  versions: [9, 20, 21, 23, 24, 25],
  inputs: [{ name: 'input', type: 'T1' }],
  outputs: [{ name: 'output', type: 'T2' }],
  attributes: { value: attr.optionalTensor('value') },
  types: { T1: { types: [DataType.INT64] }, T2: VALUE_TYPES },
  infer(ctx) {
    const input = requireType(ctx, 0);
    const dtype = fillValue(ctx.attrs.value, ctx.opset, ctx.fail).dtype;
    checkShapeRank(input.shape, ctx.fail);
    const dims = ctx.shapeValue(0);
    if (dims !== undefined) {
      const negative = dims.find((dim): dim is number => typeof dim === 'number' && dim < 0);
      if (negative !== undefined) ctx.fail(`shape ${formatShape(dims)} has a negative dim ${negative}`);
      return [{ dtype, shape: [...dims] }];
    }
    // The rank is the shape input's length, when that is known.
    const length = input.shape?.[0];
    if (typeof length !== 'number') return [{ dtype, shape: null }];
    checkRankOf(ctx, length, `output rank (the length of input 'input', ${formatShape(input.shape ?? [])})`);
    return [{ dtype, shape: Array.from({ length }, () => SymDim.unknown()) }];
  },
  run(ctx) {
    const fill = fillValue(ctx.attrs.value, ctx.opset, ctx.fail);
    const shape = requireInput(ctx, 0);
    checkShapeRank(shape.dims, ctx.fail);
    const dims = intsOf(shape, ctx.fail);
    if (dims.some((dim) => dim < 0)) ctx.fail(`shape [${dims.join(', ')}] has a negative dim`);
    const size = dims.reduce((total, dim) => total * dim, 1);
    if (size > MAX_FILL_ELEMENTS) {
      throw new UnsupportedError(
        `${describeNode(ctx.node)}: output shape [${dims.join(', ')}] has ${size} elements, more than the ` +
          `${MAX_FILL_ELEMENTS} sppkit's reference kernel allocates`,
      );
    }
    const data = allocate(fill.dtype, size);
    const source = fill.data;
    // The raw element is copied (float16/bfloat16 bits included), so the value is not re-rounded.
    if (isBigIntData(data) && isBigIntData(source)) data.fill(source[0] ?? 0n);
    else if (isNumberData(data) && isNumberData(source)) data.fill(source[0] ?? 0);
    else ctx.fail(`internal: cannot fill ${dtypeName(fill.dtype)} storage`);
    return [new Tensor(fill.dtype, dims, data)];
  },
});
