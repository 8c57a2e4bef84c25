/**
 * `adaptive-spp-dynamic`: replaces adaptive pooling that an export fixed to one input size with sppkit's exact form
 * for symbolic H and W, then makes the model input's H/W dynamic when the rest of the graph allows it. Three rules,
 * in order:
 *   - `adaptive-spp-dynamic` (here): what torch.onnx.export makes of a static adaptive SPP — per level a fixed-kernel
 *     MaxPool/AveragePool (kernel = stride = size/n, no padding) or a global pool, flattened (Flatten, or Reshape to
 *     [N, -1]), levels concatenated on axis 1 — becomes `sppAdaptive`;
 *   - `frozen-spp-head` (frozen/rules.ts): the same heads as dynamo writes them (ReduceMax/ReduceMean global levels,
 *     gathered windows), including "dynamic" exports whose levels were frozen at the trace size;
 *   - `frozen-adaptive-pool`: single adaptive pools (VGG's AdaptiveAvgPool2d((7, 7))) become `adaptivePool2d`.
 * A dynamic export needs the trace size (`traceSize`, `--trace-size HxW`). The rewrite is rehearsed on a copy and
 * compared with the original at the trace size first (when the model is small enough to evaluate); a difference
 * leaves the model unchanged. When nothing matches, the notes say what was looked for and the nearest near-miss.
 *
 * Why a static export's levels are read off this way: at the export size a, adaptive bin i of n is
 * [floor(i·a/n), ceil((i+1)·a/n)); when n divides a that is [i·a/n, (i+1)·a/n), exactly the window of a pool with
 * kernel = stride = a/n. So a level with kernel k on an axis of size a is level n = a/k (square levels only).
 */
import { sppAdaptive } from '../../blocks/spp-adaptive.js';
import { SymDim, type Dim } from '../../ir/dim.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import { AveragePool } from '../../ops/average-pool.js';
import { Concat } from '../../ops/concat.js';
import { Flatten } from '../../ops/flatten.js';
import { GlobalAveragePool } from '../../ops/global-average-pool.js';
import { GlobalMaxPool } from '../../ops/global-max-pool.js';
import { MaxPool } from '../../ops/max-pool.js';
import { Reshape } from '../../ops/reshape.js';
import { constantOf, list } from '../rewrite/helpers.js';
import type { Match } from '../rewrite/match.js';
import { isMatchOf, PatternBuilder, type MatchedNode } from '../rewrite/pattern.js';
import { poolWindow } from '../rewrite/pool-window.js';
import { accept, refuse, skip, type CheckResult, type RewriteRule, type RuleContext } from '../rewrite/rule.js';
import { describeFact } from '../rewrite/type-view.js';
import { SppkitError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import {
  cloneModel,
  compareRuns,
  CrossCheckSkipped,
  estimatedMultiplyAdds,
  evaluateValues,
  probeFeeds,
  tooLargeToCrossCheck,
  type Closeness,
} from '../dynamic/evaluate.js';
import { LOOKED_FOR, nearestNearMiss } from '../frozen/frozen.js';
import { frozenAdaptivePoolRule, frozenSppHeadRule } from '../frozen/rules.js';
import { traceBindings, type TraceSize } from '../frozen/sites.js';
import { applyRules } from '../rewrite/apply.js';
import { TypeView } from '../rewrite/type-view.js';
import { formatEvent } from '../rewrite/rule.js';
import { makeDynamic } from './make-dynamic.js';
import type { Pass, PassResult } from './pass.js';

const WINDOWED = [MaxPool, AveragePool];
const GLOBAL = [GlobalMaxPool, GlobalAveragePool];

/** The pattern: a Concat whose every input is a flattened pool of one input `x`. */
const p = new PatternBuilder();
const x = p.input('x');
const concat = p.each(
  Concat,
  (level) => {
    const pool = level.anyOf([...WINDOWED, ...GLOBAL], [x]);
    const flatten = level.anyOf([Flatten, Reshape], [pool], { extraInputs: true });
    return { output: flatten, pool, flatten };
  },
  { min: 1 },
);
p.outputs(concat);

/** What the check read off the export. */
interface AdaptiveSpp {
  readonly x: Value;
  readonly type: TensorType;
  readonly levels: readonly number[];
  readonly pool: 'max' | 'avg';
}

type LevelPool = MatchedNode<(typeof WINDOWED)[number] | (typeof GLOBAL)[number]>;

/** The level n of one pool at input size height×width, or why it is not an adaptive level. */
function levelOf(pool: LevelPool, height: number, width: number): { n: number; kind: 'max' | 'avg' } | string {
  const kind = pool.op === MaxPool || pool.op === GlobalMaxPool ? 'max' : 'avg';
  const label = pool.node.label();
  if (!isMatchOf(pool, WINDOWED)) return { n: 1, kind };
  if (pool.node.outputs.length > 1) return `${label} also outputs Indices`;
  const { attrs } = pool;
  const kernel = attrs.kernelShape;
  if (kernel.length !== 2) return `${label} is not a 2-D pool (kernel ${list(kernel)})`;
  const window = poolWindow(attrs, 2);
  if (!window.ok) return `${label}: ${window.reason}`;
  const { strides, pads, dilations } = window.value;
  if (attrs.autoPad !== 'NOTSET' || pads.some((pad) => pad !== 0))
    return `${label} pads its input (pads ${list(pads)}); adaptive bins have no padding`;
  if (dilations.some((d) => d !== 1)) return `${label} has dilations ${list(dilations)}`;
  if (attrs.ceilMode !== 0) return `${label} has ceil_mode 1`;
  if (strides[0] !== kernel[0] || strides[1] !== kernel[1])
    return (
      `${label} has kernel ${list(kernel)} but strides ${list(strides)}; ` +
      `adaptive levels tile the input (kernel = stride)`
    );
  const [kh = 1, kw = 1] = kernel;
  if (height % kh !== 0 || width % kw !== 0)
    return (
      `${label}: kernel ${list(kernel)} does not tile the ${height}x${width} input, ` + `so it is not an adaptive level`
    );
  if (height / kh !== width / kw)
    return `${label} gives ${height / kh}x${width / kw} bins; sppAdaptive levels are n x n`;
  return { n: height / kh, kind };
}

/** Why a Flatten/Reshape is not the export's `.reshape(N, -1)` of a [N, C, n, n] level, if it is not. */
function flattenProblem(
  flatten: MatchedNode<typeof Flatten | typeof Reshape>,
  batch: Dim,
  features: number,
): string | undefined {
  const node: Node = flatten.node;
  if (isMatchOf(flatten, [Flatten])) {
    const axis = flatten.attrs.axis;
    return axis === 1 ? undefined : `${node.label()} flattens from axis ${axis}, not 1`;
  }
  const target = constantOf(node.inputs[1]);
  if (target === undefined) return `${node.label()} has a computed target shape`;
  const [first, second] = target.toNumbers();
  const firstOk =
    first === 0 || (typeof batch === 'number' && first === batch) || (first === -1 && second === features);
  const secondOk = second === -1 || second === features;
  return target.size === 2 && firstOk && secondOk
    ? undefined
    : `${node.label()} reshapes to [${target.toNumbers().join(', ')}], not [N, ${features}]`;
}

function checkAdaptive(match: Match, context: RuleContext): CheckResult<AdaptiveSpp> {
  const { node: concatNode, attrs } = match.get(concat);
  const axis = attrs.axis;
  if (axis !== 1 && axis !== -1)
    return refuse(`${concatNode.label()} concatenates on axis ${axis ?? '(none given)'}, not 1`);
  const input = match.value(x);
  const fact = context.typeOf(input);
  if (!fact.known) return refuse(`input '${input.name}' has no known type: ${fact.why}`);
  const type = fact.type;
  const shape = type.shape;
  if (shape?.length !== 4)
    return refuse(`input '${x.name}' of the pools is not known to be NCHW (type ${describeFact(fact)})`);
  const [batch = 1, channels, height, width] = shape;
  if (typeof channels !== 'number') return refuse(`input '${x.name}' has a symbolic channel count`);
  if (typeof height !== 'number' || typeof width !== 'number')
    return skip(`input '${x.name}' has dynamic H/W: rule frozen-spp-head decides whether its pools were frozen`);
  const levels: number[] = [];
  const kinds = new Set<'max' | 'avg'>();
  for (const level of match.items(concat)) {
    const found = levelOf(level.get(concat.item.pool), height, width);
    if (typeof found === 'string') return refuse(found);
    const problem = flattenProblem(level.get(concat.item.flatten), batch, channels * found.n * found.n);
    if (problem !== undefined) return refuse(problem);
    levels.push(found.n);
    kinds.add(found.kind);
  }
  const [pool, ...others] = [...kinds];
  if (pool === undefined || others.length > 0)
    return refuse(`the levels mix max and average pooling; sppAdaptive uses one kind`);
  return accept({
    x: input,
    type: { ...type, shape: [batch, channels, SymDim.named('H'), SymDim.named('W')] },
    levels,
    pool,
  });
}

/** The rule. */
export const adaptiveSppDynamicRule: RewriteRule<AdaptiveSpp> = {
  name: 'adaptive-spp-dynamic',
  description:
    'PyTorch export of static adaptive SPP (fixed-kernel pools, flatten, concat) -> exact sppAdaptive for any H×W',
  pattern: p.build(),
  check: (match: Match, context: RuleContext) => checkAdaptive(match, context),
  rewrite(r, _match, bindings) {
    // No If (divisibleBranch): make-dynamic, which proves the rewritten model, has no size rule for If.
    const config = { levels: bindings.levels, pool: bindings.pool, divisibleBranch: false };
    return [sppAdaptive(r.b, r.use(bindings.x, bindings.type), config)];
  },
};

/** Options of the `adaptive-spp-dynamic` pass. */
export interface AdaptiveSppDynamicOptions {
  /**
   * The input size (height × width) the model was exported at: needed to rewrite the adaptive pooling of a
   * dynamic export (dynamo), which was frozen at that size. A static model's input size is its own trace size.
   */
  readonly traceSize?: TraceSize;
}

function rulesFor(options: AdaptiveSppDynamicOptions): RewriteRule<unknown>[] {
  return [adaptiveSppDynamicRule, frozenSppHeadRule(options), frozenAdaptivePoolRule(options)];
}

/**
 * Rehearses the rewrite on a copy and compares the copy with the original at the trace size: bit-identical when
 * every rewritten site pools by max, within float rounding when some average (the exact form sums in another
 * order). Returns a problem, or a note saying what was compared (or why not).
 */
function crossCheck(model: Model, options: AdaptiveSppDynamicOptions): { problem?: string; note: string } {
  const bindings = traceBindings(model, options.traceSize);
  if (typeof bindings === 'string') return { note: `cross-check skipped: ${bindings}` };
  try {
    const feeds = probeFeeds(model, bindings);
    const types = new TypeView(model);
    const shapeOf = (value: Value): Dim[] | null | undefined => {
      const fact = types.typeOf(value);
      return fact.known ? fact.type.shape?.slice() : undefined;
    };
    const tooLarge = tooLargeToCrossCheck(model, feeds, estimatedMultiplyAdds(model, shapeOf, bindings));
    if (tooLarge !== undefined)
      return { note: `cross-check skipped: the model is too large to evaluate (${tooLarge})` };
    const copy = cloneModel(model);
    if (!applyRules(copy, rulesFor(options)).modified) return { note: '' };
    const byName = (target: Model): Map<Value, Tensor> => {
      const inputs = new Map<Value, Tensor>();
      for (const [input, tensor] of feeds) {
        const own = target.graph.lookup(input.name);
        if (own !== undefined) inputs.set(own, tensor);
      }
      return inputs;
    };
    const run = (target: Model): Tensor[] => {
      const values = evaluateValues(target, byName(target), target.graph.outputs);
      return target.graph.outputs.map((output) => {
        const tensor = values.get(output);
        if (tensor === undefined) throw new CrossCheckSkipped(`output '${output.name}' was not computed`);
        return tensor;
      });
    };
    const averages = copy.graph.nodes.some((node) => /Average|Mean|MatMul/.test(node.opType));
    const closeness: Closeness = averages ? { atol: 1e-6, rtol: 1e-5 } : 'identical';
    const size = [...feeds.values()].map((t) => `[${t.dims.join(', ')}]`).join(', ');
    const names = model.graph.outputs.map((output) => output.name);
    const difference = compareRuns(run(model), run(copy), names, closeness);
    if (difference !== undefined)
      return { problem: `cross-check at the trace size (inputs ${size}): ${difference}`, note: '' };
    const how = closeness === 'identical' ? 'bit-identical' : 'equal within float rounding (1e-5 relative)';
    return { note: `cross-check: at the trace size (inputs ${size}) the rewritten model's outputs are ${how}` };
  } catch (error) {
    if (error instanceof SppkitError) return { note: `cross-check skipped: ${error.message}` };
    throw error;
  }
}

/** The pass with options (the trace size of a dynamic export). */
export function createAdaptiveSppDynamicPass(options: AdaptiveSppDynamicOptions = {}): Pass {
  const size =
    options.traceSize === undefined ? '' : ` (trace size ${options.traceSize.height}x${options.traceSize.width})`;
  return {
    name: 'adaptive-spp-dynamic',
    description:
      'replace adaptive pooling that an export fixed to one size (static, or a dynamo export frozen at its trace ' +
      `size) with the exact dynamic form, then make the input H/W dynamic${size}`,
    inPlace: true,
    run(model: Model): PassResult {
      const rehearsal = crossCheck(model, options);
      if (rehearsal.problem !== undefined)
        return { model, modified: false, notes: [`left unchanged: ${rehearsal.problem}`] };
      const { modified, events } = applyRules(model, rulesFor(options));
      const fired = events.filter((event) => event.kind === 'fired').length;
      const refused = events.length - fired;
      if (!modified && refused === 0) {
        const near = nearestNearMiss(model);
        return {
          model,
          modified: false,
          notes: [
            `0 rewrite(s): no adaptive pooling site found; nearest near-miss: ${near ?? 'nothing came close'}`,
            LOOKED_FOR,
          ],
          events,
        };
      }
      const notes = [`${fired} rewrite(s), ${refused} site(s) refused`, ...events.map(formatEvent)];
      if (!modified) return { model, modified, notes, events };
      const dynamic = makeDynamic(model);
      const extra = dynamic.ok
        ? dynamic.notes
        : [`the pooling now accepts any H×W, but the model input stays fixed: ${dynamic.blocker}`];
      const checked = rehearsal.note === '' ? [] : [rehearsal.note];
      return { model, modified: true, notes: [...notes, ...extra, ...checked], events };
    },
  };
}

/** The `adaptive-spp-dynamic` pass without a trace size: static exports, and refusals that ask for the size. */
export const adaptiveSppDynamicPass = createAdaptiveSppDynamicPass();
