/**
 * What every block looks like: a typed config, the parameters it needs (state_dict names and shapes), and a build
 * function that emits its subgraph through the builder and returns the output value.
 */
import type { GraphBuilder } from '../graph/builder.js';
import { formatShape, type Dim } from '../ir/dim.js';
import { ConfigError } from '../ir/errors.js';
import type { Value } from '../ir/value.js';
import type { ParamSpec, Weights } from './weights.js';

/** A block definition. `C` is its config type. */
export interface BlockDef<C> {
  /** API name (`sppAdaptive`). */
  readonly name: string;
  /** Command-line name (`spp-adaptive`). */
  readonly cliName: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Whose definition it follows. */
  readonly source: string;
  /** Parameters for a given config and input channel count (empty for parameter-free blocks). */
  params(config: C, inChannels: number): ParamSpec[];
  /** Emits the block on `x` (NCHW) and returns its output. */
  build(b: GraphBuilder, x: Value, config: C, weights: Weights): Value;
}

/** The NCHW shape of a block input, with a static channel count; throws ConfigError otherwise. */
export function nchw(x: Value, block: string): { channels: number; shape: readonly Dim[] } {
  const shape = x.type?.shape;
  if (shape === null || shape === undefined || shape.length !== 4) {
    throw new ConfigError(`${block}: input '${x.name}' must be NCHW (rank 4), got ${formatShape(shape)}`);
  }
  const channels = shape[1];
  if (typeof channels !== 'number')
    throw new ConfigError(`${block}: input '${x.name}' must have a static channel count, got ${formatShape(shape)}`);
  return { channels, shape };
}

/** Refuses a non-positive-integer config value, naming it. */
export function positiveInt(block: string, name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${block}: ${name} must be a positive integer, got ${value}`);
  return value;
}
