/**
 * The shared definition of the single-output pooling ops (AveragePool, LpPool and the Global*Pool ops): float
 * input of rank >= 3, one window geometry per spatial axis, one reduction. Each op file supplies its attributes,
 * how its windows are laid out, and its reduction. (MaxPool, with its optional Indices output, is defined on its own.)
 * Also the attributes and element types the pooling ops share, and the Lp reduction.
 */
import type { Dim } from '../../ir/dim.js';
import { DataType, FLOAT_TYPES } from '../../ir/dtype.js';
import type { Tensor } from '../../ir/tensor.js';
import { attr, type AttrSchema, type ParsedAttrs } from '../core/attributes.js';
import {
  checkScratch,
  defineOp,
  requireInput,
  requireType,
  type OpDef,
  type RunContext,
  type TypeConstraint,
} from '../core/op.js';
import { addedAt } from '../core/types.js';
import { elementTensor, floatData } from './float.js';
import {
  directPoolWork,
  globalPooledShape,
  globalWindows,
  pooledShape,
  resolveWindows,
  separablePoolWork,
  tapCount,
  type AxisGeometry,
  type WindowAttrs,
} from './pool-geometry.js';
import { poolWindows } from './pool-reduce.js';

/** The float types of the pooling ops and Conv: float16/float/double, bfloat16 from opset 22. */
export const POOL_TYPES: TypeConstraint = { types: FLOAT_TYPES, since: addedAt({ 22: [DataType.BFLOAT16] }) };

/** Attributes shared by MaxPool, AveragePool, LpPool (and, in part, Conv). */
export const windowAttributes = {
  autoPad: attr.enum('auto_pad', ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'] as const, 'NOTSET'),
  kernelShape: attr.requiredInts('kernel_shape'),
  strides: attr.optionalInts('strides'),
  pads: attr.optionalInts('pads'),
} as const;

/** The `p` attribute of LpPool and GlobalLpPool (an int since opset 2). */
export const lpAttribute = attr.int('p', 2, {
  check: (v) => (v >= 1 ? undefined : `must be a positive integer, got ${v}`),
});

/** `(Σ |x|^p)^(1/p)` over the windows `axes` of `x` (LpPool and GlobalLpPool). */
export function lpPoolTensor(
  x: Tensor,
  axes: readonly AxisGeometry[],
  p: number,
  fail: (detail: string) => never,
): Tensor {
  const input = floatData(x, fail);
  const powered = new Float64Array(input.length);
  for (let i = 0; i < input.length; i += 1) powered[i] = Math.abs(input[i] ?? 0) ** p;
  const pooled = poolWindows(powered, x.dims, axes, 'sum');
  const root = 1 / p;
  for (let i = 0; i < pooled.data.length; i += 1) pooled.data[i] = (pooled.data[i] ?? 0) ** root;
  return elementTensor(x.dtype, pooled.dims, pooled.data);
}

/**
 * Before a pooling kernel runs: its tap tables checked against the element limit and its reads charged (the
 * separable pass, or every window directly for MaxPool's Indices), so that a huge kernel or padding is refused
 * before any loop starts.
 */
export function guardPoolWork<A>(
  ctx: RunContext<A>,
  dims: readonly number[],
  axes: readonly AxisGeometry[],
  how: 'separable' | 'direct',
): void {
  // The window table of each axis first: counting its taps walks every window.
  axes.forEach((axis, i) => checkScratch(ctx, axis.outSize + 1, `the window table of spatial axis ${i}`));
  axes.forEach((axis, i) => checkScratch(ctx, tapCount(axis), `the tap table of spatial axis ${i}`));
  ctx.charge(how === 'separable' ? separablePoolWork(dims, axes) : directPoolWork(dims, axes), 'window taps');
}

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
    inputs: [{ name: 'X', type: 'T' }],
    outputs: [{ name: 'Y', type: 'T' }],
    attributes: spec.attributes,
    types: { T: POOL_TYPES },
    infer(ctx) {
      const x = requireType(ctx, 0);
      return [{ dtype: x.dtype, shape: x.shape === null ? null : outShape(x.shape, ctx.attrs, ctx.fail) }];
    },
    run(ctx) {
      const x = requireInput(ctx, 0);
      if (x.dims.length < 3) ctx.fail(`input X must have rank >= 3 (N, C, spatial...), got ${x.describe()}`);
      const spatial = x.dims.slice(2);
      const windows =
        window === undefined ? globalWindows(spatial) : resolveWindows(spatial, window(ctx.attrs), ctx.fail);
      guardPoolWork(ctx, x.dims, windows, 'separable');
      return [spec.reduce(x, windows, ctx.attrs, ctx.fail)];
    },
  });
}
