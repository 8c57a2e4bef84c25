/**
 * Block weights: tensors keyed by PyTorch `state_dict` names (`cv1.conv.weight`, `cv1.bn.running_var`, ...).
 * Blocks declare the parameters they need; weights are validated against that list, or generated from a seed.
 */
import { DataType } from '../ir/dtype.js';
import { ConfigError } from '../ir/errors.js';
import { Tensor } from '../ir/tensor.js';

/** Named weights. */
export type Weights = ReadonlyMap<string, Tensor>;

/** How a seeded parameter is initialised. */
export type ParamInit = 'conv' | 'bn-weight' | 'bn-bias' | 'bn-mean' | 'bn-var' | 'bias';

/** One parameter a block needs. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: ParamInit;
}

/** Text of a shape for messages. */
function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks `weights` against `specs`: every parameter present with the right shape and float32, nothing extra.
 * The error lists every problem, naming each tensor and both shapes.
 */
export function validateWeights(specs: readonly ParamSpec[], weights: Weights, source = 'weights'): void {
  const problems: string[] = [];
  const wanted = new Set(specs.map((spec) => spec.name));
  for (const spec of specs) {
    const tensor = weights.get(spec.name);
    if (tensor === undefined) problems.push(`missing tensor '${spec.name}' (expected shape ${shapeText(spec.shape)})`);
    else if (tensor.dims.length !== spec.shape.length || tensor.dims.some((d, i) => d !== spec.shape[i])) {
      problems.push(
        `tensor '${spec.name}' has shape ${shapeText(tensor.dims)} but the block needs ${shapeText(spec.shape)}`,
      );
    } else if (tensor.dtype !== DataType.FLOAT)
      problems.push(`tensor '${spec.name}' is ${tensor.describe()}, expected float32`);
  }
  for (const name of weights.keys()) {
    if (!wanted.has(name) && !name.endsWith('num_batches_tracked'))
      problems.push(`unexpected tensor '${name}' (the block has no such parameter)`);
  }
  if (problems.length > 0)
    throw new ConfigError(`${source}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
}

/** A small, fast, seedable PRNG (mulberry32), so seeded weights are the same on every platform. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Deterministic weights for `specs`: conv weights uniform in ±1/sqrt(fan_in) (PyTorch's default bound),
 * BatchNorm statistics in plausible ranges (weight ~[0.5, 1.5], bias ~[-0.5, 0.5], mean ~[-0.5, 0.5], var ~[0.5, 1.5]).
 */
export function seededWeights(specs: readonly ParamSpec[], seed: number): Map<string, Tensor> {
  const random = prng(seed);
  const out = new Map<string, Tensor>();
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const fanIn = spec.shape.slice(1).reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(Math.max(1, fanIn));
    const draw: Readonly<Record<ParamInit, () => number>> = {
      conv: () => (random() * 2 - 1) * bound,
      bias: () => (random() * 2 - 1) * bound,
      'bn-weight': () => 0.5 + random(),
      'bn-bias': () => random() - 0.5,
      'bn-mean': () => random() - 0.5,
      'bn-var': () => 0.5 + random(),
    };
    out.set(spec.name, Tensor.float32(spec.shape, Array.from({ length: size }, draw[spec.init])));
  }
  return out;
}

/** Returns the tensor `name` from validated weights (throws ConfigError if absent). */
export function weight(weights: Weights, name: string): Tensor {
  const tensor = weights.get(name);
  if (tensor === undefined) throw new ConfigError(`missing weight '${name}'`);
  return tensor;
}
