/**
 * Layer cases (`case.json` + `input_*.pb`, `params/*.pb`, `output_*.pb`): the layer is rebuilt from its `kind` and
 * `config` with sppkit's blocks, fed the stored input, and compared with the stored output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalog, type BlockOptions } from '../blocks/index.js';
import { validateWeights } from '../blocks/weights.js';
import { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../graph/dtype.js';
import { ConfigError, UnsupportedError } from '../graph/errors.js';
import type { Model } from '../graph/graph.js';
import type { Tensor } from '../graph/tensor.js';
import type { Value } from '../graph/value.js';
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
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) throw new ConfigError(`${caseName}: config.${key} must be a list of numbers`);
  return value as number[];
}

function flag(config: Readonly<Record<string, unknown>>, key: string): boolean {
  return config[key] === true;
}

type LayerBuilder = (b: GraphBuilder, x: Value, config: Readonly<Record<string, unknown>>, params: ReadonlyMap<string, Tensor>, caseName: string) => Value;

/** torch kinds (and sppkit block names) → how to build them. */
const KINDS: Readonly<Record<string, LayerBuilder>> = {
  spp_adaptive: (b, x, c, p, n) => viaCatalog('spp-adaptive', { levels: numbers(c, 'levels', n), pool: c.pool === 'avg' ? 'avg' : 'max' }, b, x, p, n),
  ultralytics_spp: (b, x, c, p, n) => viaCatalog('ultralytics-spp', { outChannels: Number(c.c2), kernels: numbers(c, 'k', n) }, b, x, p, n),
  ultralytics_sppf: (b, x, c, p, n) => viaCatalog('sppf', { outChannels: Number(c.c2), kernels: [Number(c.k)] }, b, x, p, n),
  maxpool2d: (b, x, c, _p, n) => b.maxPool(x, poolAttrs(c, n)),
  strided_pool: (b, x, c, _p, n) => b.maxPool(x, poolAttrs(c, n)),
  avgpool2d: (b, x, c, _p, n) => b.averagePool(x, { ...poolAttrs(c, n), countIncludePad: flag(c, 'count_include_pad') ? 1 : 0 }),
  global_avg_pool: (b, x) => b.globalAveragePool(x),
  global_max_pool: (b, x) => b.globalMaxPool(x),
  conv_pool: (b, x, c, p, n) => {
    const w = p.get('weight');
    const bias = p.get('bias');
    if (w === undefined) throw new ConfigError(`${n}: missing param 'weight'`);
    const attrs = { kernelShape: numbers(c, 'kernel', n), strides: numbers(c, 'stride', n), pads: numbers(c, 'pads', n) };
    return b.conv(x, b.constant('weight', w), bias === undefined ? null : b.constant('bias', bias), attrs);
  },
};

function poolAttrs(config: Readonly<Record<string, unknown>>, caseName: string): { kernelShape: number[]; strides: number[]; pads: number[]; ceilMode: number; dilations?: number[] } {
  const pads = config.pads === undefined ? [0, 0, 0, 0] : numbers(config, 'pads', caseName);
  const dilations = config.dilation === undefined ? undefined : numbers(config, 'dilation', caseName);
  return {
    kernelShape: numbers(config, 'kernel', caseName),
    strides: numbers(config, 'stride', caseName),
    pads,
    ceilMode: flag(config, 'ceil_mode') ? 1 : 0,
    ...(dilations === undefined || dilations.every((d) => d === 1) ? {} : { dilations }),
  };
}

function viaCatalog(cliName: string, options: BlockOptions, b: GraphBuilder, x: Value, params: ReadonlyMap<string, Tensor>, caseName: string): Value {
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
  if (record === null || typeof record !== 'object' || typeof record.kind !== 'string' || !Array.isArray(record.inputs) || !Array.isArray(record.outputs)) {
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
  const build = KINDS[json.kind] ?? (catalog[json.kind] === undefined ? undefined : ((b, x, c, p, n) => viaCatalog(json.kind, c, b, x, p, n)) satisfies LayerBuilder);
  if (build === undefined) throw new UnsupportedError(`${file}: layer kind '${json.kind}' is not supported by sppkit yet`);
  const [input] = json.inputs;
  if (input === undefined || json.inputs.length !== 1) throw new ConfigError(`${file}: layer cases take exactly one input`);
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
