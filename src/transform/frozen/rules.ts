/**
 * The rewrite rules for adaptive pooling that an export fixed to one size (static exports and dynamo's frozen
 * "dynamic" ones): an SPP head becomes sppkit's exact `sppAdaptive`, a single adaptive pool becomes the exact
 * per-axis `adaptivePool2d`, both built for symbolic H/W so the model is right at every size.
 *
 * What the check proves before anything is rewritten: at the trace size (the model input's static size, or the
 * `traceSize` option for a dynamic input), every level is exactly adaptive pooling — a fixed kernel tiles the traced
 * size (bin i of n = [i·a/n, (i+1)·a/n) when n divides a), or the probe of gathered windows (probe.ts) reads exactly
 * the adaptive bins with equal weights. So the replacement gives the original's outputs at the trace size, and the
 * adaptive result at every other size. Sites that are not adaptive pooling are skipped quietly; sites that are but
 * cannot be proven are refused with the reason (e.g. a dynamic input without a trace size).
 */
import { adaptivePool2d, sppAdaptive } from '../../blocks/spp-adaptive.js';
import { formatShape } from '../../ir/dim.js';
import type { Model } from '../../ir/graph.js';
import type { TensorType, Value } from '../../ir/value.js';
import { AveragePool } from '../../ops/average-pool.js';
import { Concat } from '../../ops/concat.js';
import { Div } from '../../ops/div.js';
import { MaxPool } from '../../ops/max-pool.js';
import { Max } from '../../ops/max.js';
import { Add } from '../../ops/add.js';
import { Mul } from '../../ops/mul.js';
import { ReduceMax } from '../../ops/reduce-max.js';
import { ReduceMean } from '../../ops/reduce-mean.js';
import { ReduceSum } from '../../ops/reduce-sum.js';
import { PatternBuilder } from '../rewrite/pattern.js';
import { accept, refuse, skip, type CheckResult, type RewriteRule, type RuleContext } from '../rewrite/rule.js';
import {
  adaptiveEvidence,
  continuesPooling,
  dataOracle,
  isLevel,
  matchAdaptive,
  readLevel,
  type LevelEnv,
  type PoolKind,
} from './levels.js';
import { probeSite } from './probe.js';
import {
  binsAt,
  commonPool,
  dynamicType,
  flattenProblem,
  isHead,
  otherInputs,
  readHead,
  sizeAtTrace,
  traceBindings,
  type TraceSize,
} from './sites.js';

/** Options of the adaptive-pooling rewrites. */
export interface AdaptiveRewriteOptions {
  /** The input size the model was exported at; needed for a dynamic input (a static one is its own trace size). */
  readonly traceSize?: TraceSize;
}

/** Data oracles per model: made per rule object (a pass makes its rules per run), remembered per model. */
type Oracles = WeakMap<Model, (value: Value) => boolean>;

/** The level-reading environment of a rule's check. */
function envOf(context: RuleContext, oracles: Oracles): LevelEnv {
  let isData = oracles.get(context.model);
  if (isData === undefined) {
    isData = dataOracle(context.model);
    oracles.set(context.model, isData);
  }
  return {
    model: context.model,
    typeOf: (value) => {
      const fact = context.typeOf(value);
      return fact.known ? fact.type : null;
    },
    isData,
  };
}

const CLASSIC = new Set(['MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool']);

const traceHint = (what: string): string =>
  `${what}, frozen at the size the model was exported at; give that size (--trace-size HxW, or the pass ` +
  `option traceSize) to rewrite it`;

interface HeadBindings {
  readonly x: Value;
  readonly type: TensorType;
  readonly levels: readonly number[];
  readonly pool: PoolKind;
}

const headPattern = (() => {
  const p = new PatternBuilder();
  p.outputs(p.op(Concat, [], { extraInputs: true }));
  return p.build();
})();

/** An SPP head (Concat of flattened adaptive levels) → `sppAdaptive`, for dynamo exports and frozen dynamic ones. */
export function frozenSppHeadRule(options: AdaptiveRewriteOptions): RewriteRule<HeadBindings> {
  const oracles: Oracles = new WeakMap();
  return {
    name: 'frozen-spp-head',
    description: 'SPP head of adaptive levels fixed at the export size (dynamo exports) -> exact sppAdaptive',
    pattern: headPattern,
    check(match, context): CheckResult<HeadBindings> {
      const env = envOf(context, oracles);
      const concat = match.outputs[0]?.producer();
      if (concat === null || concat === undefined) return skip('no Concat');
      const head = readHead(concat, env);
      if (!isHead(head)) return skip(head.reason);
      const { x } = head;
      const type = env.typeOf(x);
      if (type === null) return skip(`'${x.name}' has no known type (rule adaptive-spp-dynamic reports it)`);
      const shape = type.shape ?? [];
      const classic = head.items.every(
        ({ level, flatten }) => CLASSIC.has(level.node.opType) && flatten !== null && level.node.inputs[0] === x,
      );
      if (classic && typeof shape[2] === 'number' && typeof shape[3] === 'number')
        return skip('a static torch.onnx export of an adaptive SPP: rule adaptive-spp-dynamic decides it');
      const channels = shape[1];
      if (typeof channels !== 'number') return refuse(`input '${x.name}' has a symbolic channel count`);
      const bindings = traceBindings(context.model, options.traceSize);
      if (typeof bindings === 'string') return refuse(`${concat.label()}: ${bindings}`);
      const xDims = sizeAtTrace(x, env, bindings);
      if (xDims === undefined)
        return refuse(
          traceHint(
            `${concat.label()} concatenates ${head.items.length} pooling levels of '${x.name}' ${formatShape(shape)}`,
          ),
        );
      const levels: number[] = [];
      const feeds = otherInputs(context.model, x, bindings);
      for (const item of head.items) {
        const bins = binsAt(item.level, env, xDims, feeds);
        if (typeof bins === 'string') return refuse(bins);
        if (bins.n !== bins.m)
          return refuse(`${item.level.node.label()} gives ${bins.n}x${bins.m} bins; sppAdaptive levels are n x n`);
        const batch = typeof shape[0] === 'number' ? shape[0] : undefined;
        const problem = flattenProblem(item, batch, channels * bins.n * bins.n);
        if (problem !== undefined) return refuse(problem);
        levels.push(bins.n);
      }
      const pool = commonPool(head.items.map((item) => item.level));
      if (pool === undefined) return refuse(`the levels of ${concat.label()} mix max and average pooling`);
      return accept({ x, type: dynamicType(type), levels, pool });
    },
    // No If (divisibleBranch): make-dynamic, which proves the rewritten model, has no size rule for If.
    rewrite: (r, _match, { x, type, levels, pool }) => [
      sppAdaptive(r.b, r.use(x, type), { levels, pool, divisibleBranch: false }),
    ],
  };
}

interface PoolBindings {
  readonly x: Value;
  readonly type: TensorType;
  readonly rows: number;
  readonly cols: number;
  readonly pool: PoolKind;
}

const poolPattern = (() => {
  const p = new PatternBuilder();
  const ops = [ReduceMean, ReduceMax, ReduceSum, Div, Mul, Add, Max, MaxPool, AveragePool];
  p.outputs(p.anyOf(ops, [], { extraInputs: true }));
  return p.build();
})();

/** True when `value` is flattened into a Concat that reads as an SPP head (the head rule decides it). */
function inHead(value: Value, env: LevelEnv): boolean {
  return value
    .consumers()
    .some((flatten) =>
      (flatten.outputs[0]?.consumers() ?? []).some((user) => user.opType === 'Concat' && isHead(readHead(user, env))),
    );
}

/** A single adaptive pool (gathered windows, or a fixed pool dynamo names adaptive) → exact `adaptivePool2d`. */
export function frozenAdaptivePoolRule(options: AdaptiveRewriteOptions): RewriteRule<PoolBindings> {
  const oracles: Oracles = new WeakMap();
  return {
    name: 'frozen-adaptive-pool',
    description: 'adaptive pooling to n×m fixed at the export size (gathered windows, dynamo pools) -> exact',
    pattern: poolPattern,
    check(match, context): CheckResult<PoolBindings> {
      const env = envOf(context, oracles);
      const output = match.outputs[0];
      const node = output?.producer();
      if (output === undefined || node === null || node === undefined) return skip('no output');
      if (continuesPooling(output)) return skip(`${node.label()} is inside a larger pooling`);
      const level = readLevel(output, env);
      if (!isLevel(level)) return skip(level.reason);
      if (level.kind === 'global') return skip(`${node.label()} is a global pool, exact at every size`);
      const evidence = level.kind === 'window' ? adaptiveEvidence(node) : 'gathered windows';
      if (evidence === undefined) return skip(`${node.label()} is a fixed-kernel pool that nothing marks adaptive`);
      const type = env.typeOf(level.x);
      const bindings = traceBindings(context.model, options.traceSize);
      if (type === null || typeof bindings === 'string') return skip(`'${level.x.name}' does not fit the trace size`);
      const xDims = sizeAtTrace(level.x, env, bindings);
      if (xDims === undefined) {
        if (inHead(output, env)) return skip('part of an SPP head, which the head rule reports');
        return refuse(traceHint(`${node.label()} pools '${level.x.name}' ${formatShape(type.shape)} adaptively`));
      }
      if (level.kind === 'gather') {
        const probe = probeSite(context.model, level.x, xDims, output, otherInputs(context.model, level.x, bindings));
        if (!probe.ok) return skip(`${node.label()}: ${probe.reason}`);
        const found = matchAdaptive(probe, xDims, level.pool);
        const [h, w] = [xDims[2], xDims[3]];
        if (!found.exact) {
          const why = `${node.label()} is not adaptive ${level.pool} pooling at ${h}x${w}: ${found.detail ?? ''}`;
          return found.startsMatch ? refuse(why) : skip(why);
        }
      }
      const bins = level.kind === 'gather' ? { n: level.bins[0], m: level.bins[1] } : binsAt(level, env, xDims);
      if (typeof bins === 'string') return refuse(bins);
      return accept({ x: level.x, type: dynamicType(type), rows: bins.n, cols: bins.m, pool: level.pool });
    },
    rewrite: (r, _match, { x, type, rows, cols, pool }) => [adaptivePool2d(r.b, r.use(x, type), { rows, cols }, pool)],
  };
}
