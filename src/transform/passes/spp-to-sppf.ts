/**
 * `spp-to-sppf`: three parallel MaxPools on one input with kernels k, 2k−1, 3k−2 (Ultralytics SPP: 5, 9, 13),
 * stride 1 and "same" padding k//2, become the chained form of SPPF: pool_k, pool_k∘pool_k, pool_k∘pool_k∘pool_k.
 *
 * Why it is exact: with stride 1 and padding that never wins (MaxPool pads act as −∞), a max over the window
 * [i−h, i+h] of maxes over [j−h, j+h] is the max over [i−2h, i+2h] clipped to the input: every real cell l of
 * the wide window is reached through j = clamp(l, i−h, i+h), which lies between two real cells and so is real.
 * With k = 2h+1, two chained pools are one pool of 4h+1 = 2k−1 and three are 6h+1 = 3k−2. Per axis, so it
 * holds for square and rectangular kernels alike; this rule handles 2-D square kernels.
 */
import { MaxPool } from '../../ops/max-pool.js';
import { list } from '../rewrite/helpers.js';
import type { Match } from '../rewrite/match.js';
import { PatternBuilder, type MatchedNode } from '../rewrite/pattern.js';
import { poolWindow } from '../rewrite/pool-window.js';
import { accept, refuse, type CheckResult, type RewriteRule } from '../rewrite/rule.js';
import { rulePass } from './rule-pass.js';

/** The pattern: three MaxPools on one input. */
const p = new PatternBuilder();
const x = p.input('x');
const pools = [p.op(MaxPool, [x]), p.op(MaxPool, [x]), p.op(MaxPool, [x])] as const;
p.outputs(...pools);
const pattern = p.build();

type Pool = MatchedNode<typeof MaxPool>;

/** What the check found: the smallest pool (copied three times) and, per pattern output, its place in the chain. */
interface SppfBindings {
  readonly smallest: Pool;
  /** chainDepth[i] = how many chained pools replace pattern output i (1, 2 or 3). */
  readonly chainDepth: readonly number[];
}

/** The reason a pool cannot be part of the chain, if any. */
function poolProblem({ node, attrs }: Pool, kernel: number): string | undefined {
  const half = Math.floor(kernel / 2);
  const label = node.label();
  if (node.outputs.length > 1) return `${label} also outputs Indices`;
  if (attrs.autoPad !== 'NOTSET') return `${label} has auto_pad ${attrs.autoPad}; explicit pads k//2 are needed`;
  const window = poolWindow(attrs, 2);
  if (!window.ok) return `${label}: ${window.reason}`;
  const { strides, dilations, pads } = window.value;
  if (strides.some((s) => s !== 1)) return `${label} has strides ${list(strides)}; the chain needs stride 1`;
  if (dilations.some((d) => d !== 1)) return `${label} has dilations ${list(dilations)}; the chain needs dilation 1`;
  if (pads.some((pad) => pad !== half)) {
    return (
      `${label} has pads ${list(pads)}; kernel ${kernel} needs pads k//2 = ` +
      `${list([half, half, half, half])} on every side`
    );
  }
  if (attrs.ceilMode !== 0) return `${label} has ceil_mode 1`;
  return undefined;
}

function checkSpp(match: Match): CheckResult<SppfBindings> {
  const matched = pools.map((pool) => match.get(pool));
  const kernels: number[] = [];
  for (const { node, attrs } of matched) {
    const kernel = attrs.kernelShape;
    if (kernel.length !== 2 || kernel[0] !== kernel[1])
      return refuse(`${node.label()} has kernel_shape ${list(kernel)}; this rule handles square 2-D kernels`);
    kernels.push(kernel[0] ?? 0);
  }
  const sorted = [...kernels].sort((a, b) => a - b);
  const [k = 0, mid = 0, large = 0] = sorted;
  if (k % 2 !== 1 || mid !== 2 * k - 1 || large !== 3 * k - 2) {
    return refuse(
      `kernels ${list(kernels)} are not k, 2k-1, 3k-2 for an odd k (e.g. 5, 9, 13), ` +
        `so they are not a chain of one pool`,
    );
  }
  for (const [index, pool] of matched.entries()) {
    const problem = poolProblem(pool, kernels[index] ?? 0);
    if (problem !== undefined) return refuse(problem);
  }
  const smallest = matched[kernels.indexOf(k)];
  if (smallest === undefined) return refuse('internal: no smallest pool');
  return accept({ smallest, chainDepth: kernels.map((kernel) => (kernel === k ? 1 : kernel === mid ? 2 : 3)) });
}

/** The rule. */
export const sppToSppfRule: RewriteRule<SppfBindings> = {
  name: 'spp-to-sppf',
  description: 'parallel MaxPools k, 2k-1, 3k-2 (stride 1, pad k//2) on one input -> three chained MaxPools k',
  pattern,
  check: (match: Match) => checkSpp(match),
  rewrite(r, match, { smallest, chainDepth }) {
    const chain = [r.use(match.value(x))];
    for (let depth = 1; depth <= 3; depth += 1) {
      const previous = chain[depth - 1];
      if (previous === undefined) throw new Error('spp-to-sppf: broken chain');
      const [pooled] = r.like(smallest, [previous], { kernelShape: smallest.attrs.kernelShape });
      if (pooled === undefined) throw new Error('spp-to-sppf: MaxPool produced no output');
      chain.push(pooled);
    }
    return chainDepth.map((depth) => {
      const value = chain[depth];
      if (value === undefined) throw new Error('spp-to-sppf: broken chain');
      return value;
    });
  },
};

/** The `spp-to-sppf` pass. */
export const sppToSppfPass = rulePass(
  'spp-to-sppf',
  'rewrite parallel SPP MaxPools (k, 2k-1, 3k-2) into the chained SPPF form (exact)',
  [sppToSppfRule],
);
