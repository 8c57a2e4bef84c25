/**
 * `sppkit build <block> ... -o model.onnx` and `sppkit build-model` (the default job).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { catalog, type BlockOptions } from '../../blocks/index.js';
import { seededWeights, validateWeights } from '../../blocks/weights.js';
import { GraphBuilder, type DimSpec } from '../../graph/builder.js';
import { DataType } from '../../ir/dtype.js';
import type { Model } from '../../ir/graph.js';
import { assertValidModel } from '../../transform/passes/check.js';
import { formatType } from '../../ir/value.js';
import { getBackend } from '../../runtime/node/backends.js';
import { referenceBackend } from '../../runtime/reference.js';
import { choice, dim, FailedError, int, intList, parse, str, UsageError } from '../args.js';
import { readWeightsFolder, saveModel as writeModelFile } from '../../export/io-node.js';
import { formatRuns, randomFeeds, runOnBackends } from '../validate.js';

/** Everything `build` needs to make a model. */
export interface BuildSpec {
  readonly block: string;
  readonly inChannels: number;
  readonly batch: DimSpec;
  readonly height: DimSpec;
  readonly width: DimSpec;
  readonly opset: number;
  readonly options: BlockOptions;
  readonly weightsPath: string | undefined;
  readonly seed: number;
}

/** Builds the model a spec describes: input `x` [N, C, H, W] float32, output `y`. */
export function buildModel(spec: BuildSpec): Model {
  const entry = catalog[spec.block];
  if (entry === undefined)
    throw new UsageError(`unknown block '${spec.block}' (blocks: ${Object.keys(catalog).join(', ')})`);
  const configured = entry.configure(spec.options, spec.inChannels);
  const weights =
    spec.weightsPath === undefined ? seededWeights(configured.params, spec.seed) : readWeightsFolder(spec.weightsPath);
  validateWeights(configured.params, weights, spec.weightsPath ?? 'seeded weights');
  const b = new GraphBuilder({ opset: spec.opset, name: entry.name });
  const x = b.input('x', DataType.FLOAT, [spec.batch, spec.inChannels, spec.height, spec.width]);
  b.output(configured.build(b, x, weights), 'y');
  const model = b.build();
  model.docString = `sppkit ${spec.block} (${JSON.stringify(spec.options)})`;
  return model;
}

export const BUILD_HELP = `usage: sppkit build <block> [options] -o model.onnx

blocks: ${Object.values(catalog)
  .map((e) => e.cliName)
  .join(', ')}

options:
  --in-channels C        input channels (default 16)
  --out-channels C       output channels (SPP/SPPF necks; default: in channels)
  --levels 4,2,1         pyramid levels (spp-adaptive)
  --pool max|avg         pooling (spp-adaptive)
  --kernels 5,9,13       max-pool kernels (ultralytics-spp; sppf takes one)
  --height H|name        input height: a number, or a name for a dynamic dim (default 20)
  --width W|name         input width (default 20)
  --batch N|name         batch size (default 1)
  --opset 17             default-domain opset, 13..23
  --weights DIR|FILE     a .safetensors file or a folder of <state_dict name>.pb files (default: seeded random)
  --seed S               seed for random weights (default 0)
  --stride S             pooling / conv-pool stride (pooling layers; default: the kernel)
  --pad P                symmetric padding (pooling layers, conv-pool)
  --ceil-mode            ceil mode (max-pool, avg-pool)
  --count-include-pad    the average divisor counts padding (avg-pool; default off, as ONNX)
  --keep-bn              keep BatchNormalization nodes (default: folded into the convs)
  --check                validate: checker, then reference vs ort-cpu on a random input
  -o, --output FILE      where to write the model (required)`;

const BUILD_OPTIONS = {
  'in-channels': { type: 'string' },
  'out-channels': { type: 'string' },
  levels: { type: 'string' },
  pool: { type: 'string' },
  kernels: { type: 'string' },
  height: { type: 'string' },
  width: { type: 'string' },
  batch: { type: 'string' },
  opset: { type: 'string' },
  weights: { type: 'string' },
  seed: { type: 'string' },
  stride: { type: 'string' },
  pad: { type: 'string' },
  'ceil-mode': { type: 'boolean' },
  'count-include-pad': { type: 'boolean' },
  'keep-bn': { type: 'boolean' },
  check: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
} as const;

/** Checks a model and compares the reference with ort-cpu on one random input; returns false on a mismatch. */
export async function checkModelRuns(
  model: Model,
  seed: number,
  dims: ReadonlyMap<string, number>,
  log: (line: string) => void,
): Promise<boolean> {
  assertValidModel(model);
  log('checker: ok');
  const feeds = randomFeeds(model, seed, dims);
  const { runs } = await runOnBackends(model, feeds, [referenceBackend, getBackend('ort-cpu')], {
    repeats: 1,
    atol: 1e-4,
    rtol: 1e-4,
  });
  log(formatRuns(runs));
  return runs.every((r) => r.status === 'ok' || r.status === 'skip');
}

/** Names of dynamic dims in the spec bound to a size for checks (16, or 13 for H/W to exercise non-divisible bins). */
function checkDims(spec: BuildSpec): Map<string, number> {
  const dims = new Map<string, number>();
  if (typeof spec.batch === 'string') dims.set(spec.batch, 1);
  if (typeof spec.height === 'string') dims.set(spec.height, 13);
  if (typeof spec.width === 'string') dims.set(spec.width, 17);
  return dims;
}

/** `sppkit build`. */
export async function buildCommand(argv: readonly string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parse(argv, BUILD_OPTIONS, 'build');
  if (values.help === true) {
    out(BUILD_HELP);
    return 0;
  }
  const [block, ...rest] = positionals;
  if (block === undefined)
    throw new UsageError(`build: which block? (${Object.keys(catalog).join(', ')})\n\n${BUILD_HELP}`);
  if (rest.length > 0) throw new UsageError(`build: unexpected arguments ${rest.join(' ')}`);
  const output = str(values, 'output');
  if (output === undefined) throw new UsageError('build: -o model.onnx is required');
  const levels = intList(values, 'levels');
  const pool = choice(values, 'pool', ['max', 'avg'] as const);
  const kernels = intList(values, 'kernels');
  const outChannels = int(values, 'out-channels', 1);
  const stride = int(values, 'stride', 1);
  const pad = int(values, 'pad', 0);
  const spec: BuildSpec = {
    block,
    inChannels: int(values, 'in-channels', 1) ?? 16,
    batch: dim(values, 'batch', 1),
    height: dim(values, 'height', 20),
    width: dim(values, 'width', 20),
    opset: int(values, 'opset', 1) ?? 17,
    options: {
      ...(levels === undefined ? {} : { levels }),
      ...(pool === undefined ? {} : { pool }),
      ...(kernels === undefined ? {} : { kernels }),
      ...(outChannels === undefined ? {} : { outChannels }),
      ...(values['keep-bn'] === true ? { keepBn: true } : {}),
      ...(stride === undefined ? {} : { stride }),
      ...(pad === undefined ? {} : { pad }),
      ...(values['ceil-mode'] === true ? { ceilMode: true } : {}),
      ...(values['count-include-pad'] === true ? { countIncludePad: true } : {}),
    },
    weightsPath: str(values, 'weights'),
    seed: int(values, 'seed') ?? 0,
  };
  const model = buildModel(spec);
  mkdirSync(dirname(output) || '.', { recursive: true });
  const bytes = writeModelFile(output, model);
  const y = model.graph.outputs[0];
  out(
    `wrote ${output}: ${block}, ${model.graph.nodes.length} nodes, ${model.graph.initializers.size} initializers, opset ${model.opset}, ${bytes.length} bytes; x ${formatType(model.graph.inputs[0]?.type ?? null)} -> y ${formatType(y?.type ?? null)}`,
  );
  if (values.check === true && !(await checkModelRuns(model, spec.seed, checkDims(spec), out)))
    throw new FailedError('build --check: backends disagree');
  return 0;
}
