/**
 * What Conv and ConvTranspose share before their geometry differs: the ranks of X `[N, C, D1..Dr]` and W
 * `[W0, W1, k1..kr]` (W0, W1 = M, C/group for Conv; C, M/group for ConvTranspose), the text that names both shapes
 * and the group in every error, the kernel shape taken from W when the `kernel_shape` attribute is absent, the
 * `[M]` shape of the bias B, and the attributes both spell alike.
 */
import { formatShape, type Dim } from '../../ir/dim.js';
import { attr } from '../core/attributes.js';
import { windowAttributes } from './pool-op.js';

/** The attributes Conv and ConvTranspose both have, parsed alike. */
export const convAttributes = {
  autoPad: windowAttributes.autoPad,
  kernelShape: attr.optionalInts('kernel_shape'),
  strides: windowAttributes.strides,
  pads: windowAttributes.pads,
  dilations: attr.optionalInts('dilations'),
  group: attr.int('group', 1, { check: (v) => (v >= 1 ? undefined : `must be >= 1, got ${v}`) }),
} as const;

/** The shapes of X and W split into their parts, and the text that names them in errors. */
export interface ConvOperands<D extends Dim> {
  /** `X.shape=[..], W.shape=[..], group=g`, appended to every error about the node. */
  readonly describe: string;
  readonly batch: D;
  readonly channels: D;
  readonly spatial: readonly D[];
  /** W.shape[0]: M for Conv, C for ConvTranspose. */
  readonly weight0: D;
  /** W.shape[1]: C/group for Conv, M/group for ConvTranspose. */
  readonly weight1: D;
  readonly weightSpatial: readonly D[];
}

/**
 * Splits the shapes of X and W (symbolic dims allowed), failing unless X has rank >= 3 and W the rank of X.
 * `detailed` names which of the two rank rules failed (shape inference); otherwise one message covers both.
 */
export function convOperands<D extends Dim>(
  x: readonly D[],
  w: readonly D[],
  group: number,
  missing: D,
  fail: (detail: string) => never,
  detailed: boolean,
): ConvOperands<D> {
  const describe = `X.shape=${formatShape(x)}, W.shape=${formatShape(w)}, group=${group}`;
  if (detailed) {
    if (x.length < 3) fail(`X must have rank >= 3 (N, C, spatial...); ${describe}`);
    if (w.length !== x.length) fail(`W must have the rank of X; ${describe}`);
  } else if (x.length < 3 || w.length !== x.length) {
    fail(`X must have rank >= 3 and W the same rank; ${describe}`);
  }
  const [batch = missing, channels = missing, ...spatial] = x;
  const [weight0 = missing, weight1 = missing, ...weightSpatial] = w;
  return { describe, batch, channels, spatial, weight0, weight1, weightSpatial };
}

/**
 * The kernel shape: the `kernel_shape` attribute, which must match W's spatial dims where those are known, or
 * else W's spatial dims; undefined when neither is known.
 */
export function kernelShapeOf(
  kernelShape: readonly number[] | undefined,
  weightSpatial: readonly Dim[],
  fail: (detail: string) => never,
): readonly number[] | undefined {
  const fromWeight = weightSpatial.every((dim): dim is number => typeof dim === 'number') ? weightSpatial : undefined;
  if (
    kernelShape !== undefined &&
    fromWeight !== undefined &&
    (kernelShape.length !== fromWeight.length || kernelShape.some((k, i) => k !== fromWeight[i]))
  ) {
    fail(
      `kernel_shape ${JSON.stringify(kernelShape)} does not match the spatial dims of W ${formatShape(weightSpatial)}`,
    );
  }
  return kernelShape ?? fromWeight;
}

/** True when a bias of shape `shape` (null: unknown rank, undefined: no bias) is known not to be `[outChannels]`. */
export function biasShapeWrong(shape: readonly Dim[] | null | undefined, outChannels: Dim): boolean {
  if (shape === null || shape === undefined) return false;
  if (shape.length !== 1) return true;
  const [m] = shape;
  return typeof m === 'number' && typeof outChannels === 'number' && m !== outChannels;
}
