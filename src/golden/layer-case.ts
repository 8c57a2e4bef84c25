/**
 * Layer cases (`case.json` + `input_*.pb`, `params/*.pb`, `output_*.pb`): the layer is rebuilt from its `kind` and
 * `config` with sppkit's blocks, fed the stored input, and compared with the stored output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockDef } from '../blocks/block.js';
import { catalog, type BlockOptions } from '../blocks/index.js';
import { nonLocalBlock } from '../blocks/non-local.js';
import {
  avgPoolBlock,
  convPoolBlock,
  globalAvgPoolBlock,
  globalMaxPoolBlock,
  maxPoolBlock,
  stridedPoolBlock,
  type MaxPoolConfig,
  type Padding,
  type Pair,
} from '../blocks/pooling-layers.js';
import { sppPaperBlock } from '../blocks/spp-paper.js';
import { stochasticPoolBlock } from '../blocks/stochastic-pool.js';
import { validateWeights } from '../blocks/weights.js';
import { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import { ConfigError, UnsupportedError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';
import type { Tolerance } from '../runtime/compare.js';

/** The parts of case.json the runner reads. */
export interface CaseJson {
  readonly name: string;
  readonly kind: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inputs: readonly { readonly name: string; readonly file: string; readonly shape: readonly number[] }[];
  readonly params?: readonly { readonly name: string; readonly file: string; readonly shape: readonly number[] }[];
  readonly outputs: readonly { readonly name: string; readonly file: string; readonly shape: readonly number[] }[];
  readonly tolerance?: { readonly atol?: number; readonly rtol?: number };
  /** sppkit's own cases: the opset to build at (default 17). */
  readonly opset?: number;
}

/** Reads a TensorProto file. */
export type TensorReader = (path: string) => Tensor;

function numbers(config: Readonly<Record<string, unknown>>, key: string, caseName: string): number[] {
  const value = config[key];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number'))
    throw new ConfigError(`${caseName}: config.${key} must be a list of numbers`);
  return value as number[];
}

function flag(config: Readonly<Record<string, unknown>>, key: string): boolean {
  return config[key] === true;
}

type LayerBuilder = (
  b: GraphBuilder,
  x: Value,
  config: Readonly<Record<string, unknown>>,
  params: ReadonlyMap<string, Tensor>,
  caseName: string,
) => Value;

/** torch kinds (and sppkit block names) → how to build them. Every kind goes through a block. */
const KINDS: Readonly<Record<string, LayerBuilder>> = {
  spp_adaptive: (b, x, c, p, n) =>
    viaCatalog('spp-adaptive', { levels: numbers(c, 'levels', n), pool: c.pool === 'avg' ? 'avg' : 'max' }, b, x, p, n),
  spp_paper: (b, x, c, p, n) =>
    viaBlock(sppPaperBlock, { levels: numbers(c, 'levels', n), pool: c.pool === 'avg' ? 'avg' : 'max' }, b, x, p, n),
  ultralytics_spp: (b, x, c, p, n) =>
    viaCatalog('ultralytics-spp', { outChannels: Number(c.c2), kernels: numbers(c, 'k', n) }, b, x, p, n),
  ultralytics_sppf: (b, x, c, p, n) =>
    viaCatalog('sppf', { outChannels: Number(c.c2), kernels: [Number(c.k)] }, b, x, p, n),
  maxpool2d: (b, x, c, p, n) => viaBlock(maxPoolBlock, maxPoolConfig(c, n), b, x, p, n),
  strided_pool: (b, x, c, p, n) => {
    const config = maxPoolConfig(c, n);
    const [k, s] = [pairOf(config.kernel), pairOf(config.stride ?? config.kernel)];
    const unpadded =
      typeof config.pad === 'number' ? config.pad === 0 : config.pad === undefined || config.pad.every((v) => v === 0);
    const plain =
      k[0] === k[1] &&
      s[0] === k[0] &&
      s[1] === k[1] &&
      unpadded &&
      config.ceilMode !== true &&
      (config.dilation === undefined || pairOf(config.dilation).every((d) => d === 1));
    return plain
      ? viaBlock(stridedPoolBlock, { kernel: k[0] }, b, x, p, n)
      : viaBlock(maxPoolBlock, config, b, x, p, n);
  },
  avgpool2d: (b, x, c, p, n) =>
    viaBlock(avgPoolBlock, { ...windowConfig(c, n), countIncludePad: flag(c, 'count_include_pad') }, b, x, p, n),
  global_avg_pool: (b, x, _c, p, n) => viaBlock(globalAvgPoolBlock, {}, b, x, p, n),
  global_max_pool: (b, x, _c, p, n) => viaBlock(globalMaxPoolBlock, {}, b, x, p, n),
  conv_pool: (b, x, c, p, n) =>
    viaBlock(convPoolBlock, { outChannels: Number(c.c_out), ...windowConfig(c, n) }, b, x, p, n),
  stochastic_pool: (b, x, c, p, n) => {
    const { kernel, stride } = windowConfig(c, n);
    return viaBlock(stochasticPoolBlock, stride === undefined ? { kernel } : { kernel, stride }, b, x, p, n);
  },
  non_local: (b, x, c, p, n) =>
    viaBlock(
      nonLocalBlock,
      {
        ...(c.c_inner === undefined ? {} : { innerChannels: Number(c.c_inner) }),
        ...(c.bn_eps === undefined ? {} : { bnEps: Number(c.bn_eps) }),
      },
      b,
      x,
      p,
      n,
    ),
};

/** A config pair (number or [rows, cols]) as [rows, cols]. */
function pairOf(value: Pair): readonly [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

/** A two-element list from case.json. */
function twoNumbers(config: Readonly<Record<string, unknown>>, key: string, caseName: string): [number, number] {
  const [a, b, ...rest] = numbers(config, key, caseName);
  if (a === undefined || b === undefined || rest.length > 0)
    throw new ConfigError(`${caseName}: config.${key} must have 2 numbers (rows, cols)`);
  return [a, b];
}

/** kernel, stride, pads (ONNX order) and ceil mode of a pooling-style case. */
function windowConfig(
  config: Readonly<Record<string, unknown>>,
  caseName: string,
): { kernel: Pair; stride?: Pair; pad: Padding; ceilMode: boolean } {
  const pads = config.pads === undefined ? [0, 0, 0, 0] : numbers(config, 'pads', caseName);
  const [top, left, bottom, right, ...rest] = pads;
  if (top === undefined || left === undefined || bottom === undefined || right === undefined || rest.length > 0)
    throw new ConfigError(`${caseName}: config.pads must have 4 numbers [top, left, bottom, right]`);
  return {
    kernel: twoNumbers(config, 'kernel', caseName),
    ...(config.stride === undefined ? {} : { stride: twoNumbers(config, 'stride', caseName) }),
    pad: [top, left, bottom, right],
    ceilMode: flag(config, 'ceil_mode'),
  };
}

/** A max-pool case's config (window plus dilation). */
function maxPoolConfig(config: Readonly<Record<string, unknown>>, caseName: string): MaxPoolConfig {
  return {
    ...windowConfig(config, caseName),
    ...(config.dilation === undefined ? {} : { dilation: twoNumbers(config, 'dilation', caseName) }),
  };
}

/** Builds a block from a typed config after checking the case's params against the block's parameter list. */
function viaBlock<C>(
  block: BlockDef<C>,
  config: C,
  b: GraphBuilder,
  x: Value,
  params: ReadonlyMap<string, Tensor>,
  caseName: string,
): Value {
  const channels = x.type?.shape?.[1];
  validateWeights(block.params(config, typeof channels === 'number' ? channels : 0), params, `${caseName} params`);
  return block.build(b, x, config, params);
}

function viaCatalog(
  cliName: string,
  options: BlockOptions,
  b: GraphBuilder,
  x: Value,
  params: ReadonlyMap<string, Tensor>,
  caseName: string,
): Value {
  const entry = catalog[cliName];
  if (entry === undefined) throw new UnsupportedError(`${caseName}: block '${cliName}' is not in the catalogue`);
  const channels = x.type?.shape?.[1];
  const configured = entry.configure(options, typeof channels === 'number' ? channels : 0);
  validateWeights(configured.params, params, `${caseName} params`);
  return configured.build(b, x, params);
}

/** Parses and type-checks a case.json text. */
export function parseCaseJson(text: string, file: string): CaseJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const record = json as Partial<CaseJson> | null;
  if (
    record === null ||
    typeof record !== 'object' ||
    typeof record.kind !== 'string' ||
    !Array.isArray(record.inputs) ||
    !Array.isArray(record.outputs)
  ) {
    throw new ConfigError(`${file}: needs "kind", "inputs" and "outputs"`);
  }
  return { config: {}, name: '', ...record } as CaseJson;
}

/** A layer case ready to run: the model, its data and the tolerance. */
export interface LoadedLayerCase {
  readonly model: Model;
  readonly inputs: Map<string, Tensor>;
  readonly outputs: Map<string, Tensor>;
  readonly tolerance: Tolerance;
}

/** Loads a layer case folder and builds its model. Throws UnsupportedError for kinds sppkit cannot build yet. */
export function loadLayerCase(dir: string, readTensor: TensorReader): LoadedLayerCase {
  const file = join(dir, 'case.json');
  const json = parseCaseJson(readFileSync(file, 'utf8'), file);
  const build =
    KINDS[json.kind] ??
    (catalog[json.kind] === undefined
      ? undefined
      : (((b, x, c, p, n) => viaCatalog(json.kind, c, b, x, p, n)) satisfies LayerBuilder));
  if (build === undefined)
    throw new UnsupportedError(`${file}: layer kind '${json.kind}' is not supported by sppkit yet`);
  const [input] = json.inputs;
  if (input === undefined || json.inputs.length !== 1)
    throw new ConfigError(`${file}: layer cases take exactly one input`);
  const params = new Map((json.params ?? []).map((p) => [p.name, readTensor(join(dir, p.file))] as const));
  const b = new GraphBuilder({ opset: json.opset ?? 17, name: json.name || json.kind });
  const x = b.input(input.name, DataType.FLOAT, input.shape);
  const y = build(b, x, json.config, params, json.name || dir);
  const [output] = json.outputs;
  if (output === undefined) throw new ConfigError(`${file}: no outputs`);
  b.output(y, output.name);
  return {
    model: b.build(),
    inputs: new Map([[input.name, readTensor(join(dir, input.file))]]),
    outputs: new Map(json.outputs.map((o) => [o.name, readTensor(join(dir, o.file))] as const)),
    tolerance: { atol: json.tolerance?.atol ?? 0, rtol: json.tolerance?.rtol ?? 0 },
  };
}
