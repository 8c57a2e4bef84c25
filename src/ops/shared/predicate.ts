/**
 * The binary predicates: broadcasting ops whose inputs A and B share one type variable T and whose output C is
 * bool — the comparisons (Less, LessOrEqual, Greater, GreaterOrEqual) and the logical ops (And, Or, Xor).
 * Numpy (multidirectional) broadcasting from opset 7; before that, opset-1 Less/Greater/And/Or/Xor took the
 * legacy `broadcast`/`axis` attributes, which broadcast B onto A (shapes equal when `broadcast = 0`).
 *
 * Floats compare as IEEE values after float16/bfloat16 are decoded (every comparison with NaN is false; -0 equals
 * +0); int64/uint64 compare exactly as BigInt; bool is 0/1.
 */
import { DataType } from '../../ir/dtype.js';
import { Tensor } from '../../ir/tensor.js';
import { attr } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef, type TypeConstraint } from '../core/op.js';
import { broadcastConcrete, broadcastIndexMap, broadcastShapes, legacyBroadcastShape } from './broadcast.js';
import { isBigIntData, numbersOf } from './elementwise.js';

/** The legacy broadcasting attributes of the opset-1 predicates (gone from opset 7). */
const predicateAttributes = {
  broadcast: attr.int('broadcast', 0, { until: 6 }),
  axis: attr.optionalInt('axis', { until: 6 }),
} as const;

/** The first opset with numpy broadcasting (and without the legacy attributes). */
const NUMPY_BROADCAST_OPSET = 7;

/** A predicate on two elements of the same kind: numbers (floats decoded, bool as 0/1) or BigInts. */
export interface PredicateFns {
  readonly number: (a: number, b: number) => boolean;
  readonly bigint: (a: bigint, b: bigint) => boolean;
}

/** What distinguishes one predicate op from another. */
export interface PredicateSpec {
  readonly opType: string;
  readonly versions: readonly number[];
  /** The inputs' type variable T (the output is always bool). */
  readonly types: TypeConstraint;
  readonly fns: PredicateFns;
}

/** Applies `fns` to the broadcast elements of `a` and `b` (same dtype; the registry's type check ensures it). */
function predicateKernel(a: Tensor, b: Tensor, fns: PredicateFns, fail: (detail: string) => never): Tensor {
  const dims = broadcastConcrete([a.dims, b.dims], fail);
  const mapA = broadcastIndexMap(a.dims, dims);
  const mapB = broadcastIndexMap(b.dims, dims);
  const out = new Uint8Array(mapA.length);
  const left = a.data;
  const right = b.data;
  if (isBigIntData(left) && isBigIntData(right)) {
    for (let i = 0; i < out.length; i += 1)
      out[i] = fns.bigint(left[mapA[i] ?? 0] ?? 0n, right[mapB[i] ?? 0] ?? 0n) ? 1 : 0;
  } else {
    const x = numbersOf(a, fail);
    const y = numbersOf(b, fail);
    for (let i = 0; i < out.length; i += 1) out[i] = fns.number(x[mapA[i] ?? 0] ?? 0, y[mapB[i] ?? 0] ?? 0) ? 1 : 0;
  }
  return new Tensor(DataType.BOOL, dims, out);
}

/** Defines a binary predicate op (`C = A <op> B` as bool, broadcasting). */
export function definePredicate(spec: PredicateSpec): OpDef<typeof predicateAttributes> {
  return defineOp({
    opType: spec.opType,
    domain: '',
    versions: spec.versions,
    inputs: [
      { name: 'A', type: 'T' },
      { name: 'B', type: 'T' },
    ],
    outputs: [{ name: 'C', type: 'T1' }],
    attributes: predicateAttributes,
    types: { T: spec.types, T1: { types: [DataType.BOOL] } },
    infer(ctx) {
      const a = requireType(ctx, 0);
      const b = requireType(ctx, 1);
      if (ctx.opset < NUMPY_BROADCAST_OPSET && a.shape !== null && b.shape !== null) {
        legacyBroadcastShape(a.shape, b.shape, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
        return [{ dtype: DataType.BOOL, shape: a.shape }];
      }
      return [{ dtype: DataType.BOOL, shape: broadcastShapes([a.shape, b.shape], ctx.fail) }];
    },
    run(ctx) {
      const a = requireInput(ctx, 0);
      let b = requireInput(ctx, 1);
      if (ctx.opset < NUMPY_BROADCAST_OPSET) {
        // B's shape padded with 1s to A's rank, so that numpy broadcasting then applies it to A.
        const shape = legacyBroadcastShape(a.dims, b.dims, ctx.attrs.broadcast, ctx.attrs.axis, ctx.fail);
        b = b.reshape(shape.map((dim) => (typeof dim === 'number' ? dim : 1)));
      }
      return [predicateKernel(a, b, spec.fns, ctx.fail)];
    },
  });
}
