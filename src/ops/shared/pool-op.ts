/**
 * The shared definition of the single-output pooling ops (AveragePool, LpPool and the Global*Pool ops): float
 * input of rank >= 3, one window geometry per spatial axis, one reduction. Each op file supplies its attributes,
 * how its windows are laid out, and its reduction. (MaxPool, with its optional Indices output, is defined on its own.)
 */
import type { Dim } from '../../ir/dim.js';
import type { Tensor } from '../../ir/tensor.js';
import type { AttrSchema, ParsedAttrs } from '../core/attributes.js';
import { defineOp, requireInput, requireType, type OpDef } from '../core/op.js';
import {
  globalPooledShape,
  globalWindows,
  pooledShape,
  resolveWindows,
  type AxisGeometry,
  type WindowAttrs,
} from './pool-geometry.js';
import { expectDtype, FLOAT_DTYPES } from './reduce.js';

/** What distinguishes one pooling op. */
export interface PoolOpSpec<S extends AttrSchema> {
  readonly opType: string;
  readonly versions: readonly number[];
  readonly attributes: S;
  /** The window attributes of a windowed op (usually `(attrs) => attrs`); absent: one window over each whole axis. */
  readonly window?: (attrs: ParsedAttrs<S>) => WindowAttrs;
  /** Reduces `x` over `windows` (one per spatial axis). */
  readonly reduce: (
    x: Tensor,
    windows: AxisGeometry[],
    attrs: ParsedAttrs<S>,
    fail: (detail: string) => never,
  ) => Tensor;
}

/** Builds a pooling op definition. */
export function definePoolOp<S extends AttrSchema>(spec: PoolOpSpec<S>): OpDef<S> {
  const window = spec.window;
  const outShape = (shape: readonly Dim[], attrs: ParsedAttrs<S>, fail: (detail: string) => never): Dim[] =>
    window === undefined ? globalPooledShape(shape, fail) : pooledShape(shape, window(attrs), fail);
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
      return [{ dtype: x.dtype, shape: x.shape === null ? null : outShape(x.shape, ctx.attrs, ctx.fail) }];
    },
    run(ctx) {
      const x = requireInput(ctx, 0);
      expectDtype(x.dtype, FLOAT_DTYPES, 'input X', ctx.fail);
      if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
      const spatial = x.dims.slice(2);
      const windows =
        window === undefined ? globalWindows(spatial) : resolveWindows(spatial, window(ctx.attrs), ctx.fail);
      return [spec.reduce(x, windows, ctx.attrs, ctx.fail)];
    },
  });
}
