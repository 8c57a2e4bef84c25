/**
 * Adaptive pooling sites in a graph: SPP heads (a Concat on axis 1 of flattened pooling levels of one NCHW value)
 * and single adaptive pools (gathered windows reduced to a fixed n×m, or a fixed-kernel pool that dynamo's metadata
 * names as adaptive). What the `adaptive-spp-dynamic` rules rewrite, what `sppkit check` warns about when a dynamic
 * model's pooling was frozen at its trace size, and what `--explain` reports as the nearest near-miss.
 */
import { formatShape, SymDim } from '../../ir/dim.js';
import { ConfigError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import type { Tensor } from '../../ir/tensor.js';
import { CrossCheckSkipped, probeFeeds } from '../dynamic/evaluate.js';
import { constantOf } from '../rewrite/helpers.js';
import { probeSite } from './probe.js';
import { isLevel, matchAdaptive, readLevel, type Level, type LevelEnv, type Miss, type PoolKind } from './levels.js';

/** The input size a model was exported (traced) at. */
export interface TraceSize {
  readonly height: number;
  readonly width: number;
}

/** Parses `HxW` (e.g. `16x16`); throws a ConfigError naming the text. */
export function parseTraceSize(text: string): TraceSize {
  const match = /^(\d+)x(\d+)$/i.exec(text.trim());
  const [height, width] = [Number(match?.[1]), Number(match?.[2])];
  if (match === null || !(height >= 1) || !(width >= 1))
    throw new ConfigError(`trace size must be HxW with positive integers (e.g. 16x16), got '${text}'`);
  return { height, width };
}

/**
 * The values of the model inputs' symbolic H/W names at the trace size (a static input must have that size), or
 * why the trace size does not fit the model.
 */
export function traceBindings(model: Model, trace: TraceSize | undefined): Map<string, number> | string {
  const bindings = new Map<string, number>();
  const graph = model.graph;
  for (const input of graph.inputs) {
    const shape = input.type?.shape;
    if (graph.initializers.get(input.name) === input || shape?.length !== 4) continue;
    for (const [axis, size] of [
      [2, trace?.height],
      [3, trace?.width],
    ] as const) {
      const dim = shape[axis];
      if (size === undefined || dim === undefined) continue;
      if (typeof dim === 'number') {
        if (dim !== size)
          return (
            `input '${input.name}' is ${formatShape(shape)}, which does not fit the trace size ` +
            `${trace?.height}x${trace?.width}`
          );
        continue;
      }
      const name = dim.name;
      if (name === undefined) continue;
      const bound = bindings.get(name);
      if (bound !== undefined && bound !== size) return `dim '${name}' cannot be both ${bound} and ${size}`;
      bindings.set(name, size);
    }
  }
  return bindings;
}

/** x's concrete [N, C, h, w] at the trace size (N symbolic: 1), or undefined when a dim cannot be told. */
export function sizeAtTrace(x: Value, env: LevelEnv, bindings: ReadonlyMap<string, number>): number[] | undefined {
  const shape = env.typeOf(x)?.shape;
  if (shape?.length !== 4) return undefined;
  const dims = shape.map((dim, axis) => {
    if (typeof dim === 'number') return dim;
    const value = dim.evaluate(bindings);
    return value ?? (axis === 0 ? 1 : undefined);
  });
  return dims.every((d): d is number => d !== undefined) ? dims : undefined;
}

/**
 * Tensors for the graph inputs other than `x` at `bindings` (a site may read the model input's shape), or none for
 * an input that cannot be made (no type).
 */
export function otherInputs(model: Model, x: Value, bindings: ReadonlyMap<string, number>): Map<Value, Tensor> {
  try {
    const feeds = probeFeeds(model, bindings);
    feeds.delete(x);
    return feeds;
  } catch (error) {
    if (error instanceof CrossCheckSkipped) return new Map();
    throw error;
  }
}

/**
 * Bindings of the model inputs' H/W names under which x's spatial dims are `xDims[2]`×`xDims[3]` (found by trying
 * sizes up to MAX_SEARCHED_SIZE per axis), for probing an intermediate value at a chosen size.
 */
export function bindingsFor(model: Model, env: LevelEnv, x: Value, xDims: readonly number[]): Map<string, number> {
  const bindings = new Map<string, number>();
  const shape = env.typeOf(x)?.shape;
  for (const axis of [2, 3] as const) {
    const dim = shape?.[axis];
    const wanted = xDims[axis];
    if (dim === undefined || typeof dim === 'number' || wanted === undefined) continue;
    const names = model.graph.inputs.flatMap((input) => {
      const named = input.type?.shape?.[axis];
      return named !== undefined && typeof named !== 'number' && named.name !== undefined ? [named.name] : [];
    });
    for (const name of names) {
      for (let size = 1; size <= MAX_SEARCHED_SIZE; size += 1) {
        if (dim.evaluate(new Map([...bindings, [name, size]])) !== wanted) continue;
        bindings.set(name, size);
        break;
      }
    }
  }
  return bindings;
}

/** The largest input size `bindingsFor` tries. */
const MAX_SEARCHED_SIZE = 8192;

/** True when x's H or W is symbolic (a dynamic model's pooling input). */
export function dynamicSpatial(x: Value, env: LevelEnv): boolean {
  const shape = env.typeOf(x)?.shape;
  return shape?.length === 4 && (typeof shape[2] !== 'number' || typeof shape[3] !== 'number');
}

/** `x`'s type with its H/W as named dims (what a replacement is built on, so that it is right at every size). */
export function dynamicType(type: TensorType): TensorType {
  const shape = type.shape ?? [];
  return {
    ...type,
    shape: shape.map((dim, axis) =>
      axis === 2 && typeof dim === 'number'
        ? SymDim.named('H')
        : axis === 3 && typeof dim === 'number'
          ? SymDim.named('W')
          : dim,
    ),
  };
}

/** One input of a head: the level, and the Flatten/Reshape that flattens it (none for a [N, C] global reduce). */
export interface HeadItem {
  readonly level: Level;
  readonly flatten: Node | null;
}

/** An SPP head: a Concat of flattened levels of one value. */
export interface Head {
  readonly concat: Node;
  readonly x: Value;
  readonly items: readonly HeadItem[];
}

/** The head a Concat node is, or why it is not one (with how much of one it looked like). */
export function readHead(concat: Node, env: LevelEnv): Head | Miss {
  const label = concat.label();
  const axis = concat.attributes.get('axis');
  const axisValue = axis?.kind === 'int' ? Number(axis.value) : undefined;
  const items: HeadItem[] = [];
  const misses: string[] = [];
  let partial = 0;
  concat.inputs.forEach((input, index) => {
    if (input === null) return;
    const producer = input.producer();
    const flatten = producer?.opType === 'Flatten' || producer?.opType === 'Reshape' ? producer : null;
    const levelValue = flatten?.inputs[0] ?? input;
    const found = readLevel(levelValue, env);
    if (isLevel(found)) items.push({ level: found, flatten });
    else {
      misses.push(`input ${index}: ${found.reason}`);
      partial += found.score;
    }
  });
  const total = concat.inputs.length;
  // A Concat scores by how much of a level each input is; a head with some true levels beats any single level.
  const score = total === 0 ? 0 : 0.1 + (0.5 * (items.length + partial)) / total + (items.length > 0 ? 0.2 : 0);
  if (items.length === 0 || misses.length > 0)
    return {
      reason: `${label}: ${items.length} of its ${total} inputs are pooling levels (${misses.slice(0, 2).join('; ')})`,
      score: Math.min(score, 0.79),
    };
  const out = concat.outputs[0];
  const rank = out === undefined ? undefined : env.typeOf(out)?.shape?.length;
  if (axisValue !== 1 && !(axisValue === -1 && rank === 2))
    return { reason: `${label} concatenates its pooling levels on axis ${String(axisValue)}, not 1`, score: 0.8 };
  const [first] = items;
  const x = first?.level.x;
  if (x === undefined || items.some((item) => item.level.x !== x))
    return { reason: `${label}: its levels pool different values`, score: 0.8 };
  return { concat, x, items };
}

/** True for a head (not a miss). */
export function isHead(found: Head | Miss): found is Head {
  return 'concat' in found;
}

/** Why a Flatten/Reshape is not the `.flatten(1)` of a [N, C, n, n] level with `features` = C·n², if it is not. */
export function flattenProblem(item: HeadItem, batch: number | undefined, features: number): string | undefined {
  const node = item.flatten;
  if (node === null)
    return item.level.kind === 'global' ? undefined : `${item.level.node.label()} is concatenated without a flatten`;
  if (node.opType === 'Flatten') {
    const axis = node.attributes.get('axis');
    const value = axis?.kind === 'int' ? Number(axis.value) : 1;
    return value === 1 ? undefined : `${node.label()} flattens from axis ${value}, not 1`;
  }
  const target = constantOf(node.inputs[1]);
  if (target === undefined) return `${node.label()} has a computed target shape`;
  const [first, second] = target.toNumbers();
  const firstOk = first === 0 || (batch !== undefined && first === batch) || (first === -1 && second === features);
  const secondOk = second === -1 || second === features;
  return target.size === 2 && firstOk && secondOk
    ? undefined
    : `${node.label()} reshapes to [${target.toNumbers().join(', ')}], not [N, ${features}]`;
}

/** What a level is at a concrete size of x: its n×m bins and pool, or why it is not adaptive pooling there. */
export function binsAt(
  level: Level,
  env: LevelEnv,
  xDims: readonly number[],
  feeds: ReadonlyMap<Value, Tensor> = new Map(),
): { n: number; m: number } | string {
  const [, , h = 0, w = 0] = xDims;
  switch (level.kind) {
    case 'global':
      return { n: 1, m: 1 };
    case 'window': {
      const [kh, kw] = level.kernel;
      if (h % kh !== 0 || w % kw !== 0)
        return (
          `${level.node.label()}: kernel ${kh}x${kw} does not tile the ${h}x${w} input, ` +
          `so it is not an adaptive level`
        );
      return { n: h / kh, m: w / kw };
    }
    case 'gather': {
      const probe = probeSite(env.model, level.x, xDims, level.output, feeds);
      if (!probe.ok) return `${level.node.label()} at ${h}x${w}: ${probe.reason}`;
      const match = matchAdaptive(probe, xDims, level.pool);
      if (!match.exact)
        return `${level.node.label()} is not adaptive ${level.pool} pooling at ${h}x${w}: ${match.detail ?? ''}`;
      return { n: level.bins[0], m: level.bins[1] };
    }
  }
}

/** A short description of a level for messages. */
export function describeLevel(level: Level, env: LevelEnv): string {
  const out = formatShape(env.typeOf(level.output)?.shape ?? null);
  switch (level.kind) {
    case 'window':
      return `${level.node.label()} (kernel = stride = ${level.kernel.join('x')}) gives ${out}`;
    case 'global':
      return `${level.node.label()} (global ${level.pool}) gives ${out}`;
    case 'gather':
      return `${level.node.label()} (${level.nodes.length} nodes of gathered windows, ${level.pool}) gives ${out}`;
  }
}

/** The pooling kind of every level, or undefined when they mix. */
export function commonPool(levels: readonly Level[]): PoolKind | undefined {
  const kinds = new Set(levels.map((level) => level.pool));
  const [pool, ...others] = [...kinds];
  return others.length === 0 ? pool : undefined;
}
