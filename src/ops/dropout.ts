/**
 * Dropout (opsets 1, 6, 7, 10, 12, 13, 22), in inference mode only: `output` is a copy of `data` and the optional
 * `mask` is all true (all ones of data's type before 10, bool from 10). Training mode, a random dropout scaled by
 * `1 / (1 - ratio)`, is refused with an UnsupportedError, except where it is still the identity: a ratio of 0.
 *
 * How each version says "training": 1 and 6 by `is_test = 0` (the default!); 7–11 never (`ratio` attribute only);
 * from 12 by the optional bool input `training_mode` (default false), with `ratio` an optional input (default 0.5)
 * that is ignored when not training. `seed` (12) only matters for training.
 *
 * `ratio` replaced the attribute of that name at 12, but is not declared `fromAttribute`: its type variable T1
 * shares no input from which the builder could take the constant's float type, and it is ignored at inference.
 * Spec: https://onnx.ai/onnx/operators/onnx__Dropout.html
 */
import { DataType, FLOAT_TYPES } from '../ir/dtype.js';
import { describeNode, UnsupportedError, type NodeRef } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { numberOutput, numbersOf } from './shared/elementwise.js';

/** The first opset whose mask is bool (before: data's type). */
const BOOL_MASK_OPSET = 10;
/** The first opset with `ratio` and `training_mode` as inputs. */
const INPUTS_OPSET = 12;
/** The first opset without `is_test` (always inference unless training_mode says otherwise). */
const NO_IS_TEST_OPSET = 7;
/** The spec's default ratio. */
const DEFAULT_RATIO = 0.5;

/** The mask's element type at `opset`. */
function maskType(data: DataType, opset: number): DataType {
  return opset < BOOL_MASK_OPSET ? data : DataType.BOOL;
}

/** Refuses a training-mode dropout with a non-zero ratio, naming the node, the mode's source and the ratio. */
function refuseTraining(node: NodeRef, how: string, ratio: number): never {
  throw new UnsupportedError(
    `${describeNode(node)}: ${how} asks for training-mode dropout with ratio ${ratio} (a random mask), which ` +
      "sppkit's reference does not compute; only inference mode (or ratio 0) is supported",
  );
}

/** The Dropout op, in inference mode: `output = data`, `mask` all true. */
export const Dropout = defineOp({
  opType: 'Dropout',
  domain: '',
  versions: [1, 6, 7, 10, 12, 13, 22],
  inputs: [
    { name: 'data', type: 'T' },
    { name: 'ratio', type: 'T1', optional: true, since: INPUTS_OPSET },
    { name: 'training_mode', type: 'T2', optional: true, since: INPUTS_OPSET },
  ],
  outputs: [
    { name: 'output', type: 'T' },
    // Before opset 10 the mask had data's type (T); the kernel and inference follow the opset.
    { name: 'mask', type: 'T2', optional: true },
  ],
  attributes: {
    consumedInputs: attr.optionalInts('consumed_inputs', { until: 5 }),
    isTest: attr.int('is_test', 0, { until: NO_IS_TEST_OPSET - 1 }),
    ratio: attr.float('ratio', DEFAULT_RATIO, { until: INPUTS_OPSET - 1 }),
    seed: attr.optionalInt('seed', { since: INPUTS_OPSET }),
  },
  types: {
    T: { types: FLOAT_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) },
    T1: { types: FLOAT_TYPES, since: addedAt({ 22: [DataType.BFLOAT16] }) },
    T2: { types: [DataType.BOOL] },
  },
  infer(ctx) {
    const data = requireType(ctx, 0);
    const mask = { dtype: maskType(data.dtype, ctx.opset), shape: data.shape };
    return ctx.outputCount > 1 ? [data, mask] : [data];
  },
  run(ctx) {
    const data = requireInput(ctx, 0);
    if (ctx.opset < NO_IS_TEST_OPSET) {
      if (ctx.attrs.isTest === 0 && ctx.attrs.ratio !== 0) refuseTraining(ctx.node, 'is_test = 0', ctx.attrs.ratio);
    } else if (ctx.opset >= INPUTS_OPSET) {
      const training = ctx.inputs[2] ?? null;
      if (training !== null && numbersOf(training, ctx.fail).some((v) => v !== 0)) {
        const ratioInput = ctx.inputs[1] ?? null;
        const ratio = ratioInput === null ? DEFAULT_RATIO : (numbersOf(ratioInput, ctx.fail)[0] ?? DEFAULT_RATIO);
        if (ratio !== 0) refuseTraining(ctx.node, 'training_mode = true', ratio);
      }
    }
    if (ctx.outputCount < 2) return [data];
    const dtype = maskType(data.dtype, ctx.opset);
    if (dtype === DataType.BOOL) return [data, new Tensor(DataType.BOOL, data.dims, new Uint8Array(data.size).fill(1))];
    // Before opset 10: ones of data's float type.
    const ones = numberOutput(dtype, data.size, ctx.fail);
    ones.data.fill(1);
    return [data, ones.finish(data.dims)];
  },
});
