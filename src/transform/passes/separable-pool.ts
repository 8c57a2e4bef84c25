/**
 * `separable-pool`: a 2-D kh×kw MaxPool becomes a kh×1 pool (rows) followed by a 1×kw pool (columns).
 *
 * Why it is exact: the output size, window start/end, padding and the ceil-mode last-window rule are computed per
 * axis (pool-geometry.ts), so a 2-D window is the product of one window per axis, and the max over a product
 * of two index sets is the max over one set of the maxes over the other. Padded cells never win in either pass.
 * The result is bit-identical. AveragePool is refused: a mean of row means is the same number in real arithmetic,
 * but float32 rounds it differently from one window sum, so it would not be exact.
 */
import { Attr, type Attribute } from '../../ir/attribute.js';
import { intsAttr, list, stringAttr } from '../rewrite/helpers.js';
import type { Match } from '../rewrite/match.js';
import { PatternBuilder } from '../rewrite/pattern.js';
import { accept, refuse, skip, type CheckResult, type RewriteRule } from '../rewrite/rule.js';
import type { Node } from '../../ir/value.js';
import { rulePass } from './rule-pass.js';

function poolPattern() {
  const p = new PatternBuilder();
  p.outputs(p.op(['MaxPool', 'AveragePool'], [p.input('x')], { name: 'pool' }));
  return p.build();
}

/** Attributes of the two 1-D passes. */
interface SeparableBindings {
  readonly pool: Node;
  readonly rows: ReadonlyMap<string, Attribute>;
  readonly cols: ReadonlyMap<string, Attribute>;
}

function checkPool(match: Match): CheckResult<SeparableBindings> {
  const pool = match.nodes.get('pool');
  if (pool === undefined) return refuse('internal: incomplete match');
  const label = pool.label();
  const kernel = intsAttr(pool, 'kernel_shape', []) ?? [];
  const [kh = 1, kw = 1] = kernel;
  if (kernel.length !== 2) return skip(`${label} is not 2-D`);
  if (kh === 1 || kw === 1) return skip(`${label} is already 1-D (kernel ${list(kernel)})`);
  if (pool.opType === 'AveragePool')
    return refuse(
      `${label}: average pooling in two passes is not bit-exact in float arithmetic (mean of row means); left as is`,
    );
  if (pool.outputs.length > 1) return refuse(`${label} also outputs Indices, which refer to the 2-D window`);
  const autoPad = stringAttr(pool, 'auto_pad', 'NOTSET');
  if (autoPad !== 'NOTSET')
    return refuse(`${label} has auto_pad ${String(autoPad)}; only explicit pads are split per axis`);
  const strides = intsAttr(pool, 'strides', [1, 1]);
  const pads = intsAttr(pool, 'pads', [0, 0, 0, 0]);
  const dilations = intsAttr(pool, 'dilations', [1, 1]);
  if (strides?.length !== 2 || pads?.length !== 4 || dilations?.length !== 2) {
    return refuse(
      `${label} has strides ${list(strides ?? [])}, pads ${list(pads ?? [])}, dilations ${list(dilations ?? [])}, which are not 2-D`,
    );
  }
  const [sh = 1, sw = 1] = strides;
  const [top = 0, left = 0, bottom = 0, right = 0] = pads;
  const [dh = 1, dw = 1] = dilations;
  const hasDilations = pool.attributes.has('dilations');
  const rows = new Map<string, Attribute>([
    ['kernel_shape', Attr.ints([kh, 1])],
    ['strides', Attr.ints([sh, 1])],
    ['pads', Attr.ints([top, 0, bottom, 0])],
    ...(hasDilations ? [['dilations', Attr.ints([dh, 1])] as const] : []),
  ]);
  const cols = new Map<string, Attribute>([
    ['kernel_shape', Attr.ints([1, kw])],
    ['strides', Attr.ints([1, sw])],
    ['pads', Attr.ints([0, left, 0, right])],
    ...(hasDilations ? [['dilations', Attr.ints([1, dw])] as const] : []),
  ]);
  return accept({ pool, rows, cols });
}

/** The rule. */
export const separablePoolRule: RewriteRule<SeparableBindings> = {
  name: 'separable-pool',
  description: 'k×k MaxPool -> k×1 then 1×k MaxPool (exact)',
  pattern: poolPattern(),
  check: (match: Match) => checkPool(match),
  rewrite(r, match, bindings) {
    const x = match.values.get('x');
    if (x === undefined) throw new Error('separable-pool: x is not bound');
    const [rows] = r.like(bindings.pool, [r.use(x)], bindings.rows);
    if (rows === undefined) throw new Error('separable-pool: no row pass output');
    const [cols] = r.like(bindings.pool, [rows], bindings.cols);
    if (cols === undefined) throw new Error('separable-pool: no column pass output');
    return [cols];
  },
};

/** The `separable-pool` pass. */
export const separablePoolPass = rulePass('separable-pool', 'split k×k MaxPools into k×1 then 1×k (exact)', [
  separablePoolRule,
]);
