/**
 * `adaptive-spp-dynamic`: recognises what torch.onnx.export makes of a static adaptive SPP — per level a
 * fixed-kernel MaxPool/AveragePool (kernel = stride = size/n, no padding) or a global pool, flattened (Flatten, or
 * Reshape to [N, -1]), levels concatenated on axis 1 — and replaces it with sppkit's exact `sppAdaptive`, built
 * for symbolic H and W. Then it makes the model input's H/W dynamic when the rest of the graph allows it.
 *
 * Why the levels are read off this way: at the export size a, adaptive bin i of n is
 * [floor(i·a/n), ceil((i+1)·a/n)); when n divides a that is [i·a/n, (i+1)·a/n), exactly the window of a pool with
 * kernel = stride = a/n. So a level with kernel k on an axis of size a is level n = a/k (square levels only).
 */
import { sppAdaptive } from '../../blocks/spp-adaptive.js';
import { SymDim, type Dim } from '../../ir/dim.js';
import { constantOf, intAttr, intsAttr, list, stringAttr } from '../rewrite/helpers.js';
import type { Match } from '../rewrite/match.js';
import { PatternBuilder } from '../rewrite/pattern.js';
import { accept, refuse, type CheckResult, type RewriteRule, type RuleContext } from '../rewrite/rule.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import { makeDynamic } from './make-dynamic.js';
import { rulePass } from './rule-pass.js';

const POOLS = ['MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool'] as const;

function adaptiveSppPattern() {
  const p = new PatternBuilder();
  p.outputs(
    p.each(
      'Concat',
      (item) =>
        item.op(['Flatten', 'Reshape'], [item.op(POOLS, [item.input('x')], { name: 'pool' })], {
          name: 'flatten',
          extraInputs: true,
        }),
      { name: 'concat', min: 1 },
    ),
  );
  return p.build();
}

/** What the check read off the export. */
interface AdaptiveSpp {
  readonly x: Value;
  readonly type: TensorType;
  readonly levels: readonly number[];
  readonly pool: 'max' | 'avg';
}

/** The level n of one pool at input size height×width, or why it is not an adaptive level. */
function levelOf(pool: Node, height: number, width: number): { n: number; kind: 'max' | 'avg' } | string {
  const kind = pool.opType === 'MaxPool' || pool.opType === 'GlobalMaxPool' ? 'max' : 'avg';
  const label = pool.label();
  if (pool.opType.startsWith('Global')) return { n: 1, kind };
  if (pool.outputs.length > 1) return `${label} also outputs Indices`;
  const kernel = intsAttr(pool, 'kernel_shape', []) ?? [];
  const strides = intsAttr(pool, 'strides', [1, 1]) ?? [];
  const pads = intsAttr(pool, 'pads', [0, 0, 0, 0]) ?? [];
  const dilations = intsAttr(pool, 'dilations', [1, 1]) ?? [];
  if (kernel.length !== 2) return `${label} is not a 2-D pool (kernel ${list(kernel)})`;
  if (stringAttr(pool, 'auto_pad', 'NOTSET') !== 'NOTSET' || pads.some((p) => p !== 0))
    return `${label} pads its input (pads ${list(pads)}); adaptive bins have no padding`;
  if (dilations.some((d) => d !== 1)) return `${label} has dilations ${list(dilations)}`;
  if (intAttr(pool, 'ceil_mode', 0) !== 0) return `${label} has ceil_mode 1`;
  if (strides.length !== 2 || strides[0] !== kernel[0] || strides[1] !== kernel[1])
    return `${label} has kernel ${list(kernel)} but strides ${list(strides)}; adaptive levels tile the input (kernel = stride)`;
  const [kh = 1, kw = 1] = kernel;
  if (height % kh !== 0 || width % kw !== 0)
    return `${label}: kernel ${list(kernel)} does not tile the ${height}x${width} input, so it is not an adaptive level`;
  if (height / kh !== width / kw)
    return `${label} gives ${height / kh}x${width / kw} bins; sppAdaptive levels are n x n`;
  return { n: height / kh, kind };
}

/** Why a Flatten/Reshape is not the export's `.reshape(N, -1)` of a [N, C, n, n] level, if it is not. */
function flattenProblem(node: Node, batch: Dim, features: number): string | undefined {
  if (node.opType === 'Flatten')
    return intAttr(node, 'axis', 1) === 1
      ? undefined
      : `${node.label()} flattens from axis ${String(intAttr(node, 'axis', 1))}, not 1`;
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
  const concat = match.nodes.get('concat');
  const x = match.values.get('x');
  const items = match.items.get('concat') ?? [];
  if (concat === undefined || x === undefined) return refuse('internal: incomplete match');
  const axis = intAttr(concat, 'axis', 0);
  if (axis !== 1 && axis !== -1) return refuse(`${concat.label()} concatenates on axis ${String(axis)}, not 1`);
  const type = context.typeOf(x);
  const shape = type?.shape;
  if (type === null || shape?.length !== 4)
    return refuse(`input '${x.name}' of the pools is not known to be NCHW (type ${formatType(type)})`);
  const [batch = 1, channels, height, width] = shape;
  if (typeof channels !== 'number') return refuse(`input '${x.name}' has a symbolic channel count`);
  if (typeof height !== 'number' || typeof width !== 'number')
    return refuse(`input '${x.name}' already has dynamic H/W; a fixed-kernel pool on it is not an adaptive level`);
  const levels: number[] = [];
  const kinds = new Set<'max' | 'avg'>();
  for (const item of items) {
    const pool = item.nodes.get('pool');
    const flatten = item.nodes.get('flatten');
    if (pool === undefined || flatten === undefined) return refuse('internal: incomplete level');
    const level = levelOf(pool, height, width);
    if (typeof level === 'string') return refuse(level);
    const problem = flattenProblem(flatten, batch, channels * level.n * level.n);
    if (problem !== undefined) return refuse(problem);
    levels.push(level.n);
    kinds.add(level.kind);
  }
  const [pool, ...others] = [...kinds];
  if (pool === undefined || others.length > 0)
    return refuse(`the levels mix max and average pooling; sppAdaptive uses one kind`);
  return accept({ x, type: { ...type, shape: [batch, channels, SymDim.named('H'), SymDim.named('W')] }, levels, pool });
}

/** The rule. */
export const adaptiveSppDynamicRule: RewriteRule<AdaptiveSpp> = {
  name: 'adaptive-spp-dynamic',
  description:
    'PyTorch export of static adaptive SPP (fixed-kernel pools, flatten, concat) -> exact sppAdaptive for any H×W',
  pattern: adaptiveSppPattern(),
  check: (match: Match, context: RuleContext) => checkAdaptive(match, context),
  rewrite(r, _match, bindings) {
    return [sppAdaptive(r.b, r.use(bindings.x, bindings.type), { levels: bindings.levels, pool: bindings.pool })];
  },
};

/** The `adaptive-spp-dynamic` pass: the rewrite, then the model input's H/W made dynamic where the graph allows. */
export const adaptiveSppDynamicPass = rulePass(
  'adaptive-spp-dynamic',
  'replace a PyTorch-exported static adaptive SPP with the exact dynamic sppAdaptive, then make the input H/W dynamic',
  [adaptiveSppDynamicRule],
  (model) => {
    const result = makeDynamic(model);
    if (!result.ok)
      return {
        modified: false,
        notes: [`the SPP part now accepts any H×W, but the model input stays fixed: ${result.blocker}`],
      };
    return { modified: result.changed, notes: result.notes };
  },
);
