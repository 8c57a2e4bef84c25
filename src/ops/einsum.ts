/**
 * Einsum (opset 12): Einstein summation over one or more inputs as the `equation` attribute says
 * (`"bij,bjk->bik"`, `"...ii->...i"`, `"i,i"`; the grammar and the implicit-output rule are in
 * shared/einsum-equation.ts). Every output element is
 *   `out[o] = Σ over the summed labels s of Π_k input_k[labels of input k taken from (o, s)]`,
 * where a label repeated within one input reads its diagonal. Computed directly by that sum (correctness first):
 * floats in float64, rounded once; integers exactly in BigInt, wrapped at their width like C. Every numeric type
 * (no bfloat16 at opset 12).
 * Spec: https://onnx.ai/onnx/operators/onnx__Einsum.html
 */
import { DataType, isFloatType, NUMERIC_TYPES } from '../ir/dtype.js';
import { stridesOf, Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput } from './core/op.js';
import { bigintOutput, bigintsOf, isBigIntData, numberOutput, numbersOf } from './shared/elementwise.js';
import { parseEquation, planEinsum, type EinsumPlan } from './shared/einsum-equation.js';

/** Bit width and signedness of the integer types, for wrapping exact results. */
function wrapFor(dtype: DataType): (value: bigint) => bigint {
  const bits: Partial<Record<DataType, number>> = {
    [DataType.INT8]: 8,
    [DataType.UINT8]: 8,
    [DataType.INT16]: 16,
    [DataType.UINT16]: 16,
    [DataType.INT32]: 32,
    [DataType.UINT32]: 32,
    [DataType.INT64]: 64,
    [DataType.UINT64]: 64,
  };
  const width = bits[dtype] ?? 64;
  const signed =
    dtype === DataType.INT8 || dtype === DataType.INT16 || dtype === DataType.INT32 || dtype === DataType.INT64;
  return (value) => (signed ? BigInt.asIntN(width, value) : BigInt.asUintN(width, value));
}

/**
 * Walks every combination of label values (output labels outermost, summed labels innermost) and calls `visit`
 * with the output index and each input's flat offset.
 */
function walkLabels(
  plan: EinsumPlan,
  inputs: readonly Tensor[],
  visit: (outIndex: number, offsets: readonly number[]) => void,
): void {
  const labels = [...plan.outputLabels, ...plan.sumLabels];
  const sizes = labels.map((label) => {
    const size = plan.sizes.get(label);
    return typeof size === 'number' ? size : 1;
  });
  // Stride of each label in each input: the sum of the strides of the axes it names (a diagonal when repeated);
  // 0 on an axis of size 1 broadcast against a larger size of its label.
  const strides = inputs.map((input, k) => {
    const own = stridesOf(input.dims);
    const axesLabels = plan.inputLabels[k] ?? [];
    return labels.map((label, l) =>
      axesLabels.reduce(
        (total, axisLabel, axis) =>
          axisLabel === label && !(input.dims[axis] === 1 && (sizes[l] ?? 1) !== 1) ? total + (own[axis] ?? 0) : total,
        0,
      ),
    );
  });
  const total = sizes.reduce((product, size) => product * size, 1);
  const sumSize = sizes.slice(plan.outputLabels.length).reduce((product, size) => product * size, 1);
  const counter = new Array<number>(labels.length).fill(0);
  const offsets = new Array<number>(inputs.length).fill(0);
  for (let flat = 0; flat < total; flat += 1) {
    visit(Math.floor(flat / sumSize), offsets);
    for (let l = labels.length - 1; l >= 0; l -= 1) {
      const next = (counter[l] ?? 0) + 1;
      const rewind = next < (sizes[l] ?? 1) ? 1 : -(next - 1);
      for (let k = 0; k < inputs.length; k += 1) offsets[k] = (offsets[k] ?? 0) + rewind * (strides[k]?.[l] ?? 0);
      if (rewind === 1) {
        counter[l] = next;
        break;
      }
      counter[l] = 0;
    }
  }
}

export const Einsum = defineOp({
  opType: 'Einsum',
  domain: '',
  versions: [12],
  inputs: [{ name: 'Inputs', type: 'T', variadic: true }],
  outputs: [{ name: 'Output', type: 'T' }],
  attributes: { equation: attr.optionalString('equation') },
  types: { T: { types: NUMERIC_TYPES.filter((dtype) => dtype !== DataType.BFLOAT16) } },
  infer(ctx) {
    const equation = ctx.attrs.equation ?? ctx.fail(`attribute 'equation' is required`);
    const parsed = parseEquation(equation, ctx.fail);
    const types = ctx.inputs.map((type, i) => type ?? ctx.fail(`input ${i} has no known type`));
    const [first] = types;
    if (first === undefined) return ctx.fail(`needs at least one input (equation '${equation}')`);
    const shapes = types.map((type) => type.shape);
    if (shapes.some((shape) => shape === null)) return [{ dtype: first.dtype, shape: null }];
    const plan = planEinsum(
      equation,
      parsed,
      shapes.map((shape) => shape ?? []),
      ctx.fail,
    );
    return [{ dtype: first.dtype, shape: plan.outputLabels.map((label) => plan.sizes.get(label) ?? 1) }];
  },
  run(ctx) {
    const equation = ctx.attrs.equation ?? ctx.fail(`attribute 'equation' is required`);
    const parsed = parseEquation(equation, ctx.fail);
    const inputs = ctx.inputs.map((_, i) => requireInput(ctx, i));
    const [first] = inputs;
    if (first === undefined) return ctx.fail(`needs at least one input (equation '${equation}')`);
    const plan = planEinsum(
      equation,
      parsed,
      inputs.map((input) => input.dims),
      ctx.fail,
    );
    const dims = plan.outputLabels.map((label) => {
      const size = plan.sizes.get(label);
      return typeof size === 'number' ? size : 1;
    });
    const outSize = dims.reduce((product, dim) => product * dim, 1);
    if (isBigIntData(first.data) || !isFloatType(first.dtype)) {
      // Integers: exact products and sums in BigInt, wrapped once at the end (the same as wrapping every step).
      const values = inputs.map((input) =>
        isBigIntData(input.data)
          ? Array.from(bigintsOf(input, ctx.fail))
          : Array.from(numbersOf(input, ctx.fail), (v) => BigInt(v)),
      );
      const sums = new Array<bigint>(outSize).fill(0n);
      walkLabels(plan, inputs, (o, offsets) => {
        let product = 1n;
        values.forEach((v, k) => (product *= v[offsets[k] ?? 0] ?? 0n));
        sums[o] = (sums[o] ?? 0n) + product;
      });
      const wrap = wrapFor(first.dtype);
      if (isBigIntData(first.data)) {
        const out = bigintOutput(first.dtype, outSize, ctx.fail);
        sums.forEach((sum, i) => (out[i] = wrap(sum)));
        return [new Tensor(first.dtype, dims, out)];
      }
      const out = numberOutput(first.dtype, outSize, ctx.fail);
      sums.forEach((sum, i) => (out.data[i] = Number(wrap(sum))));
      return [out.finish(dims)];
    }
    const values = inputs.map((input) => numbersOf(input, ctx.fail));
    const sums = new Float64Array(outSize);
    walkLabels(plan, inputs, (o, offsets) => {
      let product = 1;
      values.forEach((v, k) => (product *= v[offsets[k] ?? 0] ?? 0));
      sums[o] = (sums[o] ?? 0) + product;
    });
    const out = numberOutput(first.dtype, outSize, ctx.fail);
    out.data.set(sums);
    return [out.finish(dims)];
  },
});
