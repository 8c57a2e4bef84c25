/**
 * Cast (opsets 1, 6, 9, 13, 19, 21, 23, 24, 25): converts every element to the type named by `to`.
 * Float → integer truncates toward zero and wraps to the target width (numpy's `astype` on x86 for in-range
 * values; out-of-range values are undefined in the spec). NaN → integer gives 0; ±inf → int64/uint64 saturates.
 * Anything → bool is `value != 0` (NaN → true). float16/bfloat16 round to nearest even. `saturate` (19) and
 * `round_mode` (24) only concern float8 types, which sppkit does not hold; string casts are not implemented.
 * Opset 1 spelled `to` as a type name (`"FLOAT"`); both spellings are read.
 * Spec: https://onnx.ai/onnx/operators/onnx__Cast.html
 */
import { Attr, type Attribute } from '../ir/attribute.js';
import { ALL_TYPES, DataType, dtypeName, isDataType } from '../ir/dtype.js';
import { describeNode, OpError, UnsupportedError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import { attr, type AttrContext, type AttrSpec } from './core/attributes.js';
import { bigintOutput, bigintsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';
import { defineOp, requireInput, requireType } from './core/op.js';

/** Reads `to` as an int type code (opset 6 on) or a type name (opset 1). */
function parseTo(attribute: Attribute | undefined, context: AttrContext): DataType {
  if (attribute === undefined) throw new OpError(context.node, "attribute 'to' is required but missing", 'E_ATTR');
  let code: number | undefined;
  if (attribute.kind === 'int') code = Number(attribute.value);
  else if (attribute.kind === 'string')
    code = Object.entries(DataType).find(([name]) => name === attribute.value.toUpperCase())?.[1];
  else throw new OpError(context.node, `attribute 'to' must be an int type code, got ${attribute.kind}`, 'E_ATTR');
  if (code === undefined || !isDataType(code)) {
    const shown = attribute.kind === 'int' ? String(attribute.value) : JSON.stringify(attribute.value);
    throw new UnsupportedError(
      `${describeNode(context.node)}: Cast to type ${shown} is not supported by sppkit ` +
        '(float8/int4/complex types are not held)',
    );
  }
  return code;
}

const toSpec: AttrSpec<DataType, true> = {
  onnxName: 'to',
  required: true,
  parse: parseTo,
  serialize: (value) => Attr.int(value),
};

const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** A number to int64/uint64: truncated, NaN → 0, ±inf saturated. */
function toBigInt(value: number, dtype: DataType): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value === Infinity) return dtype === DataType.UINT64 ? UINT64_MAX : INT64_MAX;
  if (value === -Infinity) return dtype === DataType.UINT64 ? 0n : -INT64_MAX - 1n;
  return BigInt(Math.trunc(value));
}

/** Converts a whole tensor to `to`. */
function castTensor(x: Tensor, to: DataType, fail: (detail: string) => never): Tensor {
  if (x.dtype === DataType.STRING || to === DataType.STRING) {
    throw new UnsupportedError(
      `Cast from ${dtypeName(x.dtype)} to ${dtypeName(to)}: string casts are not implemented by sppkit`,
    );
  }
  if (x.dtype === to) return x;
  const size = x.size;
  const toIsBig = to === DataType.INT64 || to === DataType.UINT64;
  if (isBigIntData(x.data)) {
    const input = bigintsOf(x, fail);
    if (toIsBig) {
      const out = bigintOutput(to, size, fail);
      for (let i = 0; i < size; i += 1) out[i] = input[i] ?? 0n; // the store wraps to 64 bits
      return new Tensor(to, x.dims, out);
    }
    const out = numberOutput(to, size, fail);
    const intTarget = !isFloatOrBool(to);
    for (let i = 0; i < size; i += 1) {
      const v = input[i] ?? 0n;
      // To a narrower integer: keep the low 32 bits exactly; the typed-array store wraps further.
      out.data[i] = to === DataType.BOOL ? Number(v !== 0n) : intTarget ? Number(BigInt.asUintN(32, v)) : Number(v);
    }
    return out.finish(x.dims);
  }
  const input = numbersOf(x, fail);
  if (toIsBig) {
    const out = bigintOutput(to, size, fail);
    for (let i = 0; i < size; i += 1) out[i] = toBigInt(input[i] ?? 0, to);
    return new Tensor(to, x.dims, out);
  }
  const out = numberOutput(to, size, fail);
  const intTarget = !isFloatOrBool(to);
  for (let i = 0; i < size; i += 1) {
    const v = input[i] ?? 0;
    if (to === DataType.BOOL) out.data[i] = v !== 0 ? 1 : 0;
    else if (intTarget) out.data[i] = Number.isFinite(v) ? Math.trunc(v) : 0;
    else out.data[i] = v;
  }
  return out.finish(x.dims);
}

function isFloatOrBool(dtype: DataType): boolean {
  return (
    dtype === DataType.BOOL ||
    dtype === DataType.FLOAT ||
    dtype === DataType.DOUBLE ||
    dtype === DataType.FLOAT16 ||
    dtype === DataType.BFLOAT16
  );
}

export const Cast = defineOp({
  opType: 'Cast',
  domain: '',
  versions: [1, 6, 9, 13, 19, 21, 23, 24, 25],
  inputs: [{ name: 'input', type: 'T1' }],
  outputs: [{ name: 'output', type: 'T2' }],
  attributes: {
    to: toSpec,
    saturate: attr.int('saturate', 1, { since: 19 }),
    roundMode: attr.enum('round_mode', ['up', 'down', 'nearest'] as const, 'up', { since: 24 }),
  },
  // String casts are valid ONNX but refused by the kernel with an UnsupportedError naming both types.
  types: { T1: { types: ALL_TYPES }, T2: { types: ALL_TYPES } },
  infer(ctx) {
    const x = requireType(ctx, 0);
    return [{ dtype: ctx.attrs.to, shape: x.shape }];
  },
  run(ctx) {
    return [castTensor(requireInput(ctx, 0), ctx.attrs.to, ctx.fail)];
  },
});
