/**
 * The window of a matched pooling node as the op layer resolves it (kernel, strides, dilations and pads with the
 * op's defaults applied and validated), for checks that reason about pooling geometry.
 */
import { windowParams, type WindowAttrs } from '../../ops/shared/pool-geometry.js';
import { refusing, type Refusal } from './rule.js';

/** Per-axis window parameters after defaults: `pads` lists the begins, then the ends. */
export interface PoolWindow {
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
}

/** The resolved window of a pool with `spatialRank` spatial axes, or a refusal saying what is wrong with it. */
export function poolWindow(
  attrs: WindowAttrs,
  spatialRank: number,
): { readonly ok: true; readonly value: PoolWindow } | Refusal {
  return refusing((fail) => windowParams(attrs, spatialRank, fail));
}
