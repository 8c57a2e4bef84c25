/**
 * Pooling levels as exporters write them, read off a graph value: a fixed-kernel pool (kernel = stride, no
 * padding: an adaptive level when the kernel tiles the size it was traced at), a global pool (GlobalMaxPool,
 * GlobalAveragePool, or ReduceMax/ReduceMean over H and W), or gathered windows (Gather/GatherND/Slice windows of
 * an NCHW value reduced by mean, sum or max to a fixed n×m — what dynamo makes of `adaptive_{avg,max}_pool2d`).
 * A gathered level is only a candidate until `matchAdaptive` has compared its probe (probe.ts) with the adaptive
 * bins `[floor(i·a/n), ceil((i+1)·a/n))` at a concrete size.
 */
import { dimsEqual, formatShape } from '../../ir/dim.js';
import { SppkitError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import { AveragePool } from '../../ops/average-pool.js';
import { parseAttributes } from '../../ops/core/attributes.js';
import { MaxPool } from '../../ops/max-pool.js';
import { constantOf, list } from '../rewrite/helpers.js';
import { poolWindow } from '../rewrite/pool-window.js';
import type { ProbeResult } from './probe.js';

/** Max or average pooling. */
export type PoolKind = 'max' | 'avg';

/** What every level has: its pooling kind, the NCHW value it pools, its result and the node computing that. */
export interface LevelBase {
  readonly pool: PoolKind;
  readonly x: Value;
  /** [N, C, n, m] (or [N, C] for a global reduce without keepdims). */
  readonly output: Value;
  readonly node: Node;
}

/** A pooling level found in a graph: a fixed window, a global pool, or gathered windows reduced to n×m. */
export type Level =
  | (LevelBase & { readonly kind: 'window'; readonly kernel: readonly [number, number] })
  | (LevelBase & { readonly kind: 'global' })
  | (LevelBase & {
      readonly kind: 'gather';
      readonly nodes: readonly Node[];
      readonly bins: readonly [number, number];
    });

/** Why a value is not a level, and how much of one it looked like (0..1, for near-miss reports). */
export interface Miss {
  readonly reason: string;
  readonly score: number;
}

/** What reading levels needs: the model, value types, and which values carry input data. */
export interface LevelEnv {
  readonly model: Model;
  typeOf(value: Value): TensorType | null;
  /** True when the value's contents depend on the graph inputs' data (Shape and Size outputs do not). */
  isData(value: Value): boolean;
}

/**
 * `isData` for a model, remembered per value: a graph input (not an initializer) carries data, and so does every
 * output of a node (other than Shape and Size) with an input that does. Walks producers with an explicit stack.
 */
export function dataOracle(model: Model): (value: Value) => boolean {
  const known = new WeakMap<Value, boolean>();
  const graph = model.graph;
  const direct = (value: Value): boolean | undefined => {
    const cached = known.get(value);
    if (cached !== undefined) return cached;
    const producer = value.producer();
    if (producer === null) return value.isGraphInput() && graph.initializers.get(value.name) !== value;
    if (producer.opType === 'Shape' || producer.opType === 'Size') return false;
    return undefined;
  };
  return (value) => {
    const stack = [value];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const immediate = direct(top);
      if (immediate !== undefined) {
        known.set(top, immediate);
        stack.pop();
        continue;
      }
      const inputs = (top.producer()?.inputs ?? []).filter((v): v is Value => v !== null);
      const pending = inputs.filter((input) => direct(input) === undefined && !known.has(input));
      if (pending.length > 0) {
        stack.push(...pending);
        continue;
      }
      known.set(
        top,
        inputs.some((input) => known.get(input) ?? direct(input) === true),
      );
      stack.pop();
    }
    return known.get(value) ?? false;
  };
}

/** True when dynamo's metadata (or a node name) says the node comes from adaptive pooling. */
export function adaptiveEvidence(node: Node): string | undefined {
  const pattern = /adaptive_(max|avg)_pool|Adaptive(Max|Avg)Pool/;
  for (const [key, text] of node.metadataProps)
    if ((key.startsWith('pkg.torch.onnx') || key === 'namespace') && pattern.test(text))
      return `its metadata ${key} mentions ${pattern.exec(text)?.[0] ?? 'adaptive pooling'}`;
  return undefined;
}

/** The axes a Reduce* node reduces (attribute or constant input), or undefined when computed. */
function reduceAxes(node: Node): number[] | undefined {
  const attribute = node.attributes.get('axes');
  if (attribute?.kind === 'ints') return attribute.value.map(Number);
  const input = node.inputs[1];
  if (input === null || input === undefined) return [];
  return constantOf(input)?.toNumbers();
}

function windowLevel(node: Node, env: LevelEnv, output: Value): Level | Miss {
  const label = node.label();
  const x = node.inputs[0];
  if (x === null || x === undefined) return { reason: `${label} has no input`, score: 0.2 };
  const op = node.opType === 'MaxPool' ? MaxPool : AveragePool;
  let attrs;
  try {
    attrs = parseAttributes(op.attributes, node.attributes, { node, opset: env.model.opset });
  } catch (error) {
    if (error instanceof SppkitError) return { reason: error.message, score: 0.2 };
    throw error;
  }
  const kernel = attrs.kernelShape;
  if (kernel.length !== 2) return { reason: `${label} is not a 2-D pool (kernel ${list(kernel)})`, score: 0.3 };
  if (node.outputs.length > 1) return { reason: `${label} also outputs Indices`, score: 0.4 };
  const window = poolWindow(attrs, 2);
  if (!window.ok) return { reason: `${label}: ${window.reason}`, score: 0.3 };
  const { strides, pads, dilations } = window.value;
  const [kh = 1, kw = 1] = kernel;
  if (attrs.autoPad !== 'NOTSET' || pads.some((pad) => pad !== 0))
    return { reason: `${label} pads its input (pads ${list(pads)}); adaptive bins have no padding`, score: 0.5 };
  if (dilations.some((d) => d !== 1)) return { reason: `${label} has dilations ${list(dilations)}`, score: 0.5 };
  if (attrs.ceilMode !== 0) return { reason: `${label} has ceil_mode 1`, score: 0.5 };
  if (strides[0] !== kh || strides[1] !== kw)
    return {
      reason: `${label} has kernel ${list(kernel)} but strides ${list(strides)}; adaptive levels tile the input`,
      score: 0.5,
    };
  const pool: PoolKind = node.opType === 'MaxPool' ? 'max' : 'avg';
  return { kind: 'window', pool, x, output, node, kernel: [kh, kw] };
}

const MOVEMENT = new Set(['Identity', 'Transpose', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Expand']);
const GATHERS = new Set(['Gather', 'GatherND', 'GatherElements', 'Slice', 'Concat', 'Split', 'Tile']);
const ARITHMETIC = new Set([
  'Where',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'Cast',
]);
const LAST = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'Div', 'Mul', 'Add', 'Max']);
const ENDS = new Set(['Flatten', 'Reshape', 'Identity']);

/**
 * True when some consumer of `value` goes on pooling it (a partial sum, one bin among others that a Concat joins):
 * `value` is then inside a level, not its result.
 */
export function continuesPooling(value: Value): boolean {
  return value
    .consumers()
    .some(
      (user) =>
        !ENDS.has(user.opType) &&
        (MOVEMENT.has(user.opType) || GATHERS.has(user.opType) || ARITHMETIC.has(user.opType)),
    );
}
/** Most nodes one gathered level may have. */
const MAX_LEVEL_NODES = 2000;

/** The NCHW source and the nodes of a gathered level ending at `output`, or why it is not one. */
function gatherLevel(node: Node, env: LevelEnv, output: Value): Level | Miss {
  const type = env.typeOf(output);
  const shape = type?.shape;
  const label = node.label();
  if (shape?.length !== 4) return { reason: `${label} does not give an NCHW value`, score: 0.1 };
  const [, , n, m] = shape;
  if (typeof n !== 'number' || typeof m !== 'number')
    return { reason: `${label} gives ${formatShape(shape)}: its spatial size is not fixed`, score: 0.1 };
  const nodes = new Set<Node>();
  const sources = new Set<Value>();
  const stack = [node];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    if (nodes.has(at)) continue;
    nodes.add(at);
    if (nodes.size > MAX_LEVEL_NODES) return { reason: `${label}: more than ${MAX_LEVEL_NODES} nodes`, score: 0 };
    for (const input of at.inputs) {
      if (input === null || !env.isData(input)) continue;
      const producer = input.producer();
      const op = producer?.opType ?? '';
      if (producer !== null && (MOVEMENT.has(op) || GATHERS.has(op) || ARITHMETIC.has(op))) stack.push(producer);
      else sources.add(input);
    }
  }
  if (![...nodes].some((n2) => GATHERS.has(n2.opType)))
    return { reason: `${label} reduces no gathered or sliced windows`, score: 0.2 };
  const [x, ...more] = [...sources];
  if (x === undefined || more.length > 0)
    return { reason: `${label} reads ${sources.size} data values, not one NCHW value`, score: 0.3 };
  const xShape = env.typeOf(x)?.shape;
  if (xShape?.length !== 4 || !dimsEqual(xShape[0] ?? 1, shape[0] ?? 1) || !dimsEqual(xShape[1] ?? 1, shape[1] ?? 1))
    return {
      reason: `${label} gives ${formatShape(shape)} from '${x.name}' ${formatShape(xShape)}: not the same N and C`,
      score: 0.4,
    };
  const pool: PoolKind = [...nodes].some((n2) => n2.opType === 'ReduceMax' || n2.opType === 'Max') ? 'max' : 'avg';
  const ordered = env.model.graph.nodes.filter((n2) => nodes.has(n2));
  return { kind: 'gather', pool, x, output, node, nodes: ordered, bins: [n, m] };
}

/** The pooling level computing `value`, or why it is not one. */
export function readLevel(value: Value, env: LevelEnv): Level | Miss {
  const node = value.producer();
  if (node === null) return { reason: `'${value.name}' is not computed by a node`, score: 0 };
  const x = node.inputs[0];
  switch (node.opType) {
    case 'MaxPool':
    case 'AveragePool':
      return windowLevel(node, env, value);
    case 'GlobalMaxPool':
    case 'GlobalAveragePool':
      if (x === null || x === undefined) return { reason: `${node.label()} has no input`, score: 0.2 };
      return { kind: 'global', pool: node.opType === 'GlobalMaxPool' ? 'max' : 'avg', x, output: value, node };
    case 'ReduceMax':
    case 'ReduceMean': {
      const rank = x === null || x === undefined ? undefined : env.typeOf(x)?.shape?.length;
      const axes = reduceAxes(node)?.map((axis) => (rank !== undefined && axis < 0 ? axis + rank : axis));
      if (x !== null && x !== undefined && rank === 4 && axes?.length === 2 && axes.includes(2) && axes.includes(3))
        return { kind: 'global', pool: node.opType === 'ReduceMax' ? 'max' : 'avg', x, output: value, node };
      return gatherLevel(node, env, value);
    }
    default:
      if (LAST.has(node.opType)) return gatherLevel(node, env, value);
      return { reason: `${node.label()} is not a pooling op`, score: 0 };
  }
}

/** True for a level (not a miss). */
export function isLevel(found: Level | Miss): found is Level {
  return 'kind' in found;
}

/** Bin i of n on an axis of size a (PyTorch adaptive pooling): `[floor(i·a/n), ceil((i+1)·a/n))`. */
function bin(i: number, n: number, a: number): readonly [number, number] {
  return [Math.floor((i * a) / n), Math.ceil(((i + 1) * a) / n)];
}

/** How a probed level compares with adaptive pooling at the probed size. */
export interface AdaptiveMatch {
  /** Every bin is exactly the adaptive bin (same elements, equal weights for averages). */
  readonly exact: boolean;
  /** Every bin starts where the adaptive bin starts (an adaptive pooling, maybe frozen). */
  readonly startsMatch: boolean;
  /** The first bin that differs, in words. */
  readonly detail?: string;
}

/** Compares a probe of a level reading x at `xDims` with adaptive `pool`ing to its n×m output. */
export function matchAdaptive(
  probe: ProbeResult & { ok: true },
  xDims: readonly number[],
  pool: PoolKind,
): AdaptiveMatch {
  const [batch = 1, channels = 1, h = 1, w = 1] = xDims;
  const [ob = 0, oc = 0, n = 0, m = 0] = probe.dims;
  if (probe.dims.length !== 4 || ob !== batch || oc !== channels)
    return {
      exact: false,
      startsMatch: false,
      detail: `it gives [${probe.dims.join(', ')}] from [${xDims.join(', ')}]`,
    };
  let exact = true;
  let startsMatch = true;
  let detail: string | undefined;
  for (let index = 0; index < probe.forms.length; index += 1) {
    const form = probe.forms[index];
    if (form === undefined) continue;
    const [j, i, c, b] = [
      index % m,
      Math.floor(index / m) % n,
      Math.floor(index / (m * n)) % channels,
      Math.floor(index / (m * n * channels)),
    ];
    const [r0, r1] = bin(i, n, h);
    const [q0, q1] = bin(j, m, w);
    const count = (r1 - r0) * (q1 - q0);
    const rows = new Set<number>();
    const cols = new Set<number>();
    let right = form.terms.size === count && form.kind !== (pool === 'max' ? 'sum' : 'max') && form.constant === 0;
    let sameChannel = true;
    for (const [p, weight] of form.terms) {
      const [q, r, pc, pb] = [
        p % w,
        Math.floor(p / w) % h,
        Math.floor(p / (w * h)) % channels,
        Math.floor(p / (w * h * channels)),
      ];
      rows.add(r);
      cols.add(q);
      if (pc !== c || pb !== b) sameChannel = false;
      if (r < r0 || r >= r1 || q < q0 || q >= q1) right = false;
      if (pool === 'avg' && Math.abs(weight * count - 1) > 1e-6) right = false;
    }
    const starts = sameChannel && Math.min(...rows) === r0 && Math.min(...cols) === q0;
    startsMatch &&= starts;
    if (right && sameChannel) continue;
    exact = false;
    detail ??=
      `bin (${i}, ${j}) of channel ${c} reads rows ${span(rows)} × columns ${span(cols)}` +
      `${sameChannel ? '' : ' (across channels)'}, but the adaptive bin at ${h}x${w} is rows ${r0}..${r1 - 1} × ` +
      `columns ${q0}..${q1 - 1}` +
      (right ? '' : pool === 'avg' ? ', each weighted 1/' + String(count) : '');
    if (!startsMatch) break;
  }
  return { exact, startsMatch, ...(detail === undefined ? {} : { detail }) };
}

function span(values: ReadonlySet<number>): string {
  if (values.size === 0) return '(none)';
  const sorted = [...values].sort((a, b) => a - b);
  const [first = 0] = sorted;
  const last = sorted[sorted.length - 1] ?? first;
  return sorted.length === last - first + 1 ? `${first}..${last}` : `{${sorted.join(', ')}}`;
}
