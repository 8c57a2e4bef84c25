/**
 * `separable-pool`: a 2-D kh×kw MaxPool becomes a kh×1 pool (rows) followed by a 1×kw pool (columns).
 *
 * Why it is exact: the output size, window start/end, padding and the ceil-mode last-window rule are computed per
 * axis (pool-geometry.ts), so a 2-D window is the product of one window per axis, and the max over a product
 * of two index sets is the max over one set of the maxes over the other. Padded cells never win in either pass.
 * The result is bit-identical. AveragePool is refused: a mean of row means is the same number in real arithmetic,
 * but float32 rounds it differently from one window sum, so it would not be exact.
 */
import { AveragePool } from '../../ops/average-pool.js';
import { MaxPool } from '../../ops/max-pool.js';
import type { Match } from '../rewrite/match.js';
import { PatternBuilder, type AttrsOf, type MatchedNode } from '../rewrite/pattern.js';
import { poolWindow } from '../rewrite/pool-window.js';
import { accept, refuse, type CheckResult, type RewriteRule } from '../rewrite/rule.js';
import { rulePass } from './rule-pass.js';

type PoolOp = typeof MaxPool | typeof AveragePool;

/** The pattern: a 2-D pool whose kernel is not already 1-D (other pools are not sites, so nothing is reported). */
const p = new PatternBuilder();
const x = p.input('x');
const pool = p.anyOf([MaxPool, AveragePool], [x], {
  where: ({ kernelShape }) => kernelShape.length === 2 && kernelShape.every((k) => k !== 1),
});
p.outputs(pool);

/** Attributes of the two 1-D passes. */
interface SeparableBindings {
  readonly pool: MatchedNode<PoolOp>;
  readonly rows: Partial<AttrsOf<PoolOp>>;
  readonly cols: Partial<AttrsOf<PoolOp>>;
}

function checkPool(match: Match): CheckResult<SeparableBindings> {
  const matched = match.get(pool);
  const { node, attrs } = matched;
  const label = node.label();
  if (matched.op === AveragePool)
    return refuse(
      `${label}: average pooling in two passes is not bit-exact in float arithmetic (mean of row means); left as is`,
    );
  if (node.outputs.length > 1) return refuse(`${label} also outputs Indices, which refer to the 2-D window`);
  if (attrs.autoPad !== 'NOTSET')
    return refuse(`${label} has auto_pad ${attrs.autoPad}; only explicit pads are split per axis`);
  const window = poolWindow(attrs, 2);
  if (!window.ok) return refuse(`${label}: ${window.reason}`);
  const { kernel, strides, pads, dilations } = window.value;
  const [kh = 0, kw = 0] = kernel;
  const [sh = 0, sw = 0] = strides;
  const [top = 0, left = 0, bottom = 0, right = 0] = pads;
  const [dh = 0, dw = 0] = dilations;
  // Dilations are written only where the pool had them (the attribute exists from opset 10).
  const dilated = attrs.dilations !== undefined;
  const rows = {
    kernelShape: [kh, 1],
    strides: [sh, 1],
    pads: [top, 0, bottom, 0],
    ...(dilated ? { dilations: [dh, 1] } : {}),
  };
  const cols = {
    kernelShape: [1, kw],
    strides: [1, sw],
    pads: [0, left, 0, right],
    ...(dilated ? { dilations: [1, dw] } : {}),
  };
  return accept({ pool: matched, rows, cols });
}

/** The rule. */
export const separablePoolRule: RewriteRule<SeparableBindings> = {
  name: 'separable-pool',
  description: 'k×k MaxPool -> k×1 then 1×k MaxPool (exact)',
  pattern: p.build(),
  check: (match: Match) => checkPool(match),
  rewrite(r, match, bindings) {
    const [rows] = r.like(bindings.pool, [r.use(match.value(x))], bindings.rows);
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
