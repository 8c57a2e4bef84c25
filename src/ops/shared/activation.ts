/**
 * The float activations with attributes or late bfloat16 (Elu, Selu, HardSigmoid, HardSwish, Softplus, Mish, Gelu,
 * Sin, Cos): unary, shape-preserving ops over float16/float/double, plus bfloat16 from the opset that added it.
 * Each op file supplies its versions, attribute schema and element function; the element function computes in
 * float64 and the result is rounded once to the tensor's type.
 */
import { DataType, FLOAT_TYPES } from '../../ir/dtype.js';
import type { AttrSchema, ParsedAttrs } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';
import { addedAt } from '../core/types.js';
import { mapFloat } from './elementwise.js';

/** What distinguishes one float activation from another. */
export interface FloatActivationSpec<S extends AttrSchema> {
  readonly opType: string;
  readonly versions: readonly number[];
  /** The opset that added bfloat16 to T. */
  readonly bfloat16Since: number;
  readonly attributes: S;
  /** The formal names of the input and output (`X`/`Y` unless the spec says otherwise: Sin's `input`/`output`). */
  readonly names?: { readonly input: string; readonly output: string };
  /** The element function for parsed attributes (float attributes are float32 values: apply Math.fround). */
  readonly fn: (attrs: ParsedAttrs<S>) => (value: number) => number;
}

/** Defines a unary float activation: `Y = fn(X)` elementwise, same type and shape (symbolic dims kept). */
export function defineFloatActivation<S extends AttrSchema>(spec: FloatActivationSpec<S>): OpDef<S> {
  return defineOp({
    opType: spec.opType,
    domain: '',
    versions: spec.versions,
    inputs: [{ name: spec.names?.input ?? 'X', type: 'T' }],
    outputs: [{ name: spec.names?.output ?? 'Y', type: 'T' }],
    attributes: spec.attributes,
    types: { T: { types: FLOAT_TYPES, since: addedAt({ [spec.bfloat16Since]: [DataType.BFLOAT16] }) } },
    infer(ctx) {
      return [requireType(ctx, 0)];
    },
    run(ctx) {
      return [mapFloat(requireInput(ctx, 0), spec.fn(ctx.attrs), ctx.fail)];
    },
  });
}
