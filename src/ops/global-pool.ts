/**
 * The shared definition of the Global*Pool ops: one window covering every spatial position of each (N, C) plane,
 * the spatial axes kept as size 1. Each op file supplies its reduction.
 */
import type { Tensor } from '../graph/tensor.js';
import type { AttrSchema, ParsedAttrs } from './attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from './op.js';
import { globalPooledShape, globalWindows, type AxisGeometry } from './pool-geometry.js';
import { expectDtype, FLOAT_DTYPES } from './reduce.js';

/** What distinguishes one Global*Pool op. */
export interface GlobalPoolSpec<S extends AttrSchema> {
  readonly opType: string;
  readonly versions: readonly number[];
  readonly attributes: S;
  /** Reduces `x` over `windows` (one per spatial axis, each covering the whole axis). */
  readonly reduce: (x: Tensor, windows: AxisGeometry[], attrs: ParsedAttrs<S>, fail: (detail: string) => never) => Tensor;
}

/** Builds a Global*Pool op definition. */
export function defineGlobalPool<S extends AttrSchema>(spec: GlobalPoolSpec<S>): OpDef<S> {
  return defineOp({
    opType: spec.opType,
    domain: '',
    versions: spec.versions,
    inputs: [{ name: 'X' }],
    outputs: [{ name: 'Y' }],
    attributes: spec.attributes,
    dtypes: FLOAT_DTYPES,
    infer(ctx) {
      const x = requireType(ctx, 0);
      expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
      return [{ dtype: x.dtype, shape: x.shape === null ? null : globalPooledShape(x.shape, ctx.fail) }];
    },
    run(ctx) {
      const x = requireInput(ctx, 0);
      expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
      if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
      return [spec.reduce(x, globalWindows(x.dims.slice(2)), ctx.attrs, ctx.fail)];
    },
  });
}
