/**
 * `sppkit build <block> ... -o model.onnx` and `sppkit build-model` (the default job).
 */
import { catalog, type BlockOptions } from '../../blocks/index.js';
import { seededWeights, validateWeights } from '../../blocks/weights.js';
import { GraphBuilder, type DimSpec } from '../../graph/builder.js';
import { DataType } from '../../ir/dtype.js';
import type { Model } from '../../ir/graph.js';
import { checkShape, DEFAULT_LIMITS, LimitError, type Limits } from '../../ir/limits.js';
import { MAX_OPSET, MIN_BUILD_OPSET } from '../../ir/versions.js';
import { assertValidModel } from '../../transform/passes/check.js';
import { formatType } from '../../ir/value.js';
import { getBackend } from '../../runtime/node/backends.js';
import { referenceBackend } from '../../runtime/reference.js';
import {
  checkOutputFile,
  choice,
  dim,
  FailedError,
  helpLines,
  int,
  intList,
  LIMIT_HELP,
  LIMIT_OPTION,
  limitsOf,
  makeFolderFor,
  parse,
  str,
  UsageError,
  writeOutputFile,
} from '../args.js';
import { readWeightsFolder, saveModel as writeModelFile } from '../../export/io-node.js';
import { formatRuns, randomFeeds, runOnBackends } from '../validate.js';
import { isPyramidBlock, pyramidConfigFromOptions, renderPyramidSvg, PYRAMID_BLOCKS } from '../../viz/index.js';

/** `x <type> -> y <type>`: the types of a built model's first input and first output, for the line that reports it. */
export function inputToOutput(model: Model): string {
  const x = formatType(model.graph.inputs[0]?.type ?? null);
  const y = formatType(model.graph.outputs[0]?.type ?? null);
  return `x ${x} -> y ${y}`;
}

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

/** The elements a static part of the spec's shapes asks for (a symbolic dim counts as 1). */
function staticSize(dims: readonly DimSpec[]): number[] {
  return dims.map((d) => (typeof d === 'number' ? d : 1));
}

/**
 * Refuses, before anything is built or allocated, a spec whose input, weights or pyramid outputs would pass the
 * limits: the input [N, C, H, W], every weight tensor and their total, and for pyramid levels the pooled
 * `C × Σ n²` elements (`--levels 100000` asks for 10^10 bins per channel).
 */
function checkSpecLimits(
  spec: BuildSpec,
  params: readonly { name: string; shape: readonly number[] }[],
  limits: Limits,
): void {
  checkShape(staticSize([spec.batch, spec.inChannels, spec.height, spec.width]), limits, `the input x`);
  let total = 0;
  for (const param of params) {
    checkShape(param.shape, limits, `weight '${param.name}' [${param.shape.join(', ')}]`);
    total += param.shape.reduce((a, b) => a * b, 1);
  }
  if (total > limits.maxTensorElements)
    throw new LimitError('maxTensorElements', total, limits.maxTensorElements, `the ${params.length} weights together`);
  const levels = spec.options.levels ?? [];
  const pooled = spec.inChannels * levels.reduce((sum, n) => sum + n * n, 0);
  if (pooled > limits.maxTensorElements)
    throw new LimitError(
      'maxTensorElements',
      pooled,
      limits.maxTensorElements,
      `--levels ${levels.join(',')} with ${spec.inChannels} channels (C × Σ n² pooled bins)`,
    );
}

/**
 * Builds the model a spec describes: input `x` [N, C, H, W] float32, output `y`. Sizes past `limits` are refused
 * (LimitError) before anything is built.
 */
export function buildModel(spec: BuildSpec, limits: Limits = DEFAULT_LIMITS): Model {
  const entry = catalog[spec.block];
  if (entry === undefined)
    throw new UsageError(`unknown block '${spec.block}' (blocks: ${Object.keys(catalog).join(', ')})`);
  const configured = entry.configure(spec.options, spec.inChannels);
  checkSpecLimits(spec, configured.params, limits);
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

export const BUILD_HELP = `usage: sppkit build <block> [options] -o model.onnx [--svg bins.svg]

${helpLines(
  'blocks: ',
  Object.values(catalog)
    .map((e) => e.cliName)
    .join(', '),
)}

options:
  --in-channels C        input channels (default 16)
  --out-channels C       output channels (SPP/SPPF necks; default: in channels)
  --levels 4,2,1         pyramid levels (spp-adaptive)
  --pool max|avg         pooling (spp-adaptive)
  --kernels 5,9,13       max-pool kernels (ultralytics-spp; sppf takes one)
  --height H|name        input height: a number, or a name for a dynamic dim (default 20)
  --width W|name         input width (default 20)
  --batch N|name         batch size (default 1)
  --opset 17             default-domain opset, ${MIN_BUILD_OPSET}..${MAX_OPSET}
  --weights DIR|FILE     a .safetensors file or a folder of <state_dict name>.pb files (default: seeded random)
  --seed S               seed for random weights (default 0)
  --stride S             pooling / conv-pool stride (pooling layers; default: the kernel)
  --pad P                symmetric padding (pooling layers, conv-pool)
  --ceil-mode            ceil mode (max-pool, avg-pool)
  --count-include-pad    the average divisor counts padding (avg-pool; default off, as ONNX)
  --keep-bn              keep BatchNormalization nodes (default: folded into the convs)
  --check                validate: checker, then reference vs ort-cpu on a random input
  -o, --output FILE      where to write the model (required unless --svg is given)
${helpLines(
  '  --svg FILE             ',
  "also (or only) draw the block's windows on the H×W input as an SVG: the bins of each level, or a neck's " +
    'max-pool windows around an output cell (needs a static --height and --width; blocks: ' +
    `${PYRAMID_BLOCKS.map((name) => catalogName(name)).join(', ')})`,
)}
${LIMIT_HELP}`;

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
  svg: { type: 'string' },
  ...LIMIT_OPTION,
} as const;

/** The CLI name of a block's API name. */
function catalogName(apiName: string): string {
  return Object.values(catalog).find((entry) => entry.name === apiName)?.cliName ?? apiName;
}

/** Writes the window picture of the spec's block (`build --svg`); refuses blocks without one and dynamic sizes. */
function writePyramidSvg(spec: BuildSpec, path: string, out: (line: string) => void): void {
  const apiName = catalog[spec.block]?.name;
  if (apiName === undefined || !isPyramidBlock(apiName))
    throw new UsageError(
      `--svg: no window picture for block '${spec.block}' (pictures: ${PYRAMID_BLOCKS.map(catalogName).join(', ')})`,
    );
  const { height, width } = spec;
  if (typeof height !== 'number' || typeof width !== 'number')
    throw new UsageError(
      `--svg needs a static size, got --height ${height} --width ${width}; ` +
        'give numbers (e.g. --height 13 --width 13)',
    );
  const svg = renderPyramidSvg(apiName, pyramidConfigFromOptions(apiName, spec.options), { height, width });
  writeOutputFile(path, svg);
  out(`wrote ${path}: ${spec.block} windows on a ${height}×${width} input`);
}

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
  const svgPath = str(values, 'svg');
  if (output === undefined && svgPath === undefined)
    throw new UsageError('build: -o model.onnx is required (or --svg FILE for the picture only)');
  if (output !== undefined) checkOutputFile(output, '-o');
  if (svgPath !== undefined) checkOutputFile(svgPath, '--svg');
  const limits = limitsOf(values);
  const levels = intList(values, 'levels');
  const pool = choice(values, 'pool', ['max', 'avg'] as const);
  const kernels = intList(values, 'kernels');
  const outChannels = int(values, 'out-channels', 1);
  const stride = int(values, 'stride', 1);
  const pad = int(values, 'pad', 0);
  const spec: BuildSpec = {
    block,
    inChannels: int(values, 'in-channels', 1, limits.maxTensorElements) ?? 16,
    batch: dim(values, 'batch', 1, limits.maxTensorElements),
    height: dim(values, 'height', 20, limits.maxTensorElements),
    width: dim(values, 'width', 20, limits.maxTensorElements),
    opset: int(values, 'opset', MIN_BUILD_OPSET, MAX_OPSET) ?? 17,
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
  // The picture first: it also shows why a block refuses a size, which building the model would only report.
  if (svgPath !== undefined) writePyramidSvg(spec, svgPath, out);
  if (output === undefined) return 0;
  const model = buildModel(spec, limits);
  makeFolderFor(output);
  const bytes = writeModelFile(output, model);
  out(
    `wrote ${output}: ${block}, ${model.graph.nodes.length} nodes, ${model.graph.initializers.size} initializers, ` +
      `opset ${model.opset}, ${bytes.length} bytes; ${inputToOutput(model)}`,
  );
  if (values.check === true && !(await checkModelRuns(model, spec.seed, checkDims(spec), out)))
    throw new FailedError('build --check: backends disagree');
  return 0;
}
