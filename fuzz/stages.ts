/**
 * The stages a hostile file goes through, in the order a user's tools run them: decode, check, infer, evaluate
 * (random inputs of the declared shapes; symbolic dims as 1), the default passes, encode. Each stage is judged on
 * its own: it succeeds, or it refuses with an SppkitError (both fine), or it fails some other way (a crash: any
 * other exception). Hangs and out-of-memory are judged by the watchdog around the process that runs the stages.
 */
import {
  assertValidModel,
  CheckError,
  DataType,
  decodeModel,
  encodeModel,
  evaluate,
  inferGraphShapes,
  parsePassList,
  PassError,
  runPasses,
  SppkitError,
  Tensor,
  tensorFromNumbers,
  type Limits,
  type Model,
} from '../src/node.js';
import { isFloatType } from '../src/ir/dtype.js';
import { Random } from './mutate.js';

/** The stages, in order. */
export const STAGES = ['decode', 'check', 'infer', 'evaluate', 'passes', 'encode'] as const;
/** A stage name. */
export type Stage = (typeof STAGES)[number];

/** How one stage ended. */
export type StageResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'refused'; readonly code: string }
  | { readonly kind: 'crash'; readonly error: string }
  | { readonly kind: 'skipped'; readonly why: string };

/** The result of every stage that ran, in order, with the CPU milliseconds it took. */
export type PipelineResult = readonly {
  readonly stage: Stage;
  readonly result: StageResult;
  readonly cpuMs: number;
}[];

/** Largest random input the evaluate stage makes (elements); beyond it the stage is skipped, not run. */
const MAX_FEED_ELEMENTS = 1 << 20;

/**
 * The limits the evaluate stage runs under: tighter than the defaults so that a worker stays inside the watchdog's
 * time and memory (what is refused here is refused the same way, only later, under the defaults).
 */
export const FUZZ_LIMITS: Partial<Limits> = {
  maxTensorElements: 2 ** 22,
  maxEvaluationBytes: 2 ** 28,
  maxWork: 2 ** 26,
};

/** Text of an error that is not an SppkitError (a crash), with its stack. */
function crashText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
  return text.slice(0, 2000);
}

/**
 * How a stage ended. A PassError that wraps something other than an SppkitError, and a check problem that is an
 * engine error's text (`internal error (RangeError)`), are crashes that a typed error masks.
 */
function judge(run: () => void): StageResult {
  try {
    run();
    return { kind: 'ok' };
  } catch (error) {
    if (error instanceof PassError && !(error.failure instanceof SppkitError))
      return { kind: 'crash', error: `masked by ${error.message}\n${crashText(error.failure)}` };
    if (error instanceof CheckError) {
      const masked = error.problems.find((problem) => problem.includes('internal error ('));
      if (masked !== undefined) return { kind: 'crash', error: `masked by the checker: ${masked}` };
    }
    if (error instanceof SppkitError) return { kind: 'refused', code: error.code };
    return { kind: 'crash', error: crashText(error) };
  }
}

/** Random feeds of the declared shapes (symbolic dims as 1), or why there are none. */
export function fuzzFeeds(model: Model, seed: number): Map<string, Tensor> | string {
  const random = new Random(seed);
  const feeds = new Map<string, Tensor>();
  for (const input of model.graph.inputs) {
    if (model.graph.initializers.has(input.name)) continue;
    const type = input.type;
    if (type === null || type.shape === null) return `input '${input.name}' has no shape`;
    const dims = type.shape.map((dim) => (typeof dim === 'number' ? dim : 1));
    const size = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(size) || size > MAX_FEED_ELEMENTS || dims.some((d) => d < 0)) {
      return `input '${input.name}' would hold ${size} elements`;
    }
    const values = Array.from({ length: size }, () =>
      isFloatType(type.dtype) ? random.next() * 4 - 2 : random.below(4),
    );
    if (type.dtype === DataType.STRING) return `input '${input.name}' is a string tensor`;
    if (type.dtype === DataType.BOOL)
      feeds.set(
        input.name,
        tensorFromNumbers(
          type.dtype,
          dims,
          values.map((v) => v % 2),
        ),
      );
    else feeds.set(input.name, tensorFromNumbers(type.dtype, dims, values));
  }
  return feeds;
}

/**
 * Runs every stage on `bytes`; `onStage` is told which stage starts (so a watchdog can name a hang's stage). The
 * stages follow a user's tools: `check`, `infer` and `evaluate` share one decoded model (as `sppkit run` does);
 * the passes get a second decode and `encode` writes what they made (as `sppkit transform` does).
 */
export function runPipeline(bytes: Uint8Array, onStage: (stage: Stage) => void = () => undefined): PipelineResult {
  const results: { stage: Stage; result: StageResult; cpuMs: number }[] = [];
  const step = (stage: Stage, run: () => void): StageResult => {
    onStage(stage);
    const started = process.cpuUsage();
    const result = judge(run);
    const used = process.cpuUsage(started);
    results.push({ stage, result, cpuMs: Math.round((used.user + used.system) / 1000) });
    return result;
  };
  const fresh = (): Model => decodeModel(bytes, 'mutant.onnx');
  let model: Model | undefined;
  const decoded = step('decode', () => {
    model = fresh();
  });
  if (decoded.kind !== 'ok' || model === undefined) return results;
  const checked = model;
  step('check', () => {
    assertValidModel(checked);
  });
  step('infer', () => {
    inferGraphShapes(checked.graph, checked.opset);
  });
  const feeds = fuzzFeeds(checked, 1);
  if (typeof feeds === 'string') results.push({ stage: 'evaluate', result: { kind: 'skipped', why: feeds }, cpuMs: 0 });
  else
    step('evaluate', () => {
      evaluate(checked, feeds, { limits: FUZZ_LIMITS });
    });
  let transformed = fresh();
  step('passes', () => {
    transformed = runPasses(transformed, parsePassList('default')).model;
  });
  step('encode', () => {
    encodeModel(transformed);
  });
  return results;
}

/** The first stage that crashed, if any. */
export function firstCrash(result: PipelineResult): { stage: Stage; error: string } | undefined {
  for (const { stage, result: r } of result) if (r.kind === 'crash') return { stage, error: r.error };
  return undefined;
}
