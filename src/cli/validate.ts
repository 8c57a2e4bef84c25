/**
 * Validation shared by `build --check`, `run` and `build-model`: random inputs for a model, runs on several
 * backends with timings, and agreement with the reference.
 */
import { prng } from '../blocks/weights.js';
import { formatShape } from '../ir/dim.js';
import { DataType, dtypeByteSize, dtypeName, isFloatType } from '../ir/dtype.js';
import type { Model } from '../ir/graph.js';
import { checkShape, DEFAULT_LIMITS, LimitError, type Limits } from '../ir/limits.js';
import { sizeOf, Tensor, tensorFromNumbers } from '../ir/tensor.js';
import type { Backend, BackendName } from '../runtime/backend.js';
import { compareTensors } from '../runtime/compare.js';
import { UsageError } from './args.js';

/**
 * Seeded standard-normal-ish inputs for every graph input; symbolic dims take their value from `dims`
 * (e.g. H=13), and a missing binding is a usage error naming the dim. Every shape is checked against `limits`
 * before its data is allocated (a LimitError naming the input), and the values are written straight into typed
 * storage.
 */
export function randomFeeds(
  model: Model,
  seed: number,
  dims: ReadonlyMap<string, number>,
  limits: Limits = DEFAULT_LIMITS,
): Map<string, Tensor> {
  const random = prng(seed);
  const gaussian = (): number => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const feeds = new Map<string, Tensor>();
  let bytes = 0;
  for (const input of model.graph.inputs) {
    if (model.graph.initializers.has(input.name)) continue;
    const type = input.type;
    if (type === null || type.shape === null)
      throw new UsageError(`input '${input.name}' has no known shape; pass --input ${input.name}=FILE.pb`);
    const shape = type.shape.map((dim) => {
      if (typeof dim === 'number') return dim;
      const value = dim.name === undefined ? undefined : dims.get(dim.name);
      if (value === undefined)
        throw new UsageError(
          `input '${input.name}' ${formatShape(type.shape)}: ` +
            `give the dynamic dim's size with --dim ${dim.name ?? '?'}=<size>`,
        );
      return value;
    });
    const what = `random input '${input.name}' ${dtypeName(type.dtype)}${formatShape(shape)}`;
    checkShape(shape, limits, what);
    if (!isFloatType(type.dtype) && type.dtype !== DataType.INT64 && type.dtype !== DataType.INT32) {
      throw new UsageError(`input '${input.name}' is ${dtypeName(type.dtype)}; pass it with --input`);
    }
    const size = sizeOf(shape);
    bytes += size * dtypeByteSize(type.dtype);
    if (bytes > limits.maxEvaluationBytes)
      throw new LimitError(
        'maxEvaluationBytes',
        bytes,
        limits.maxEvaluationBytes,
        `${what} (with the inputs before it)`,
      );
    feeds.set(input.name, randomTensor(type.dtype, shape, size, gaussian, random));
  }
  return feeds;
}

/** A tensor of `size` random values: gaussian for floats, integers in 0..9 otherwise (one draw each, in order). */
function randomTensor(
  dtype: DataType,
  shape: readonly number[],
  size: number,
  gaussian: () => number,
  random: () => number,
): Tensor {
  switch (dtype) {
    case DataType.FLOAT:
      return new Tensor(dtype, shape, Float32Array.from({ length: size }, gaussian));
    case DataType.DOUBLE:
      return new Tensor(dtype, shape, Float64Array.from({ length: size }, gaussian));
    case DataType.INT32:
      return new Tensor(
        dtype,
        shape,
        Int32Array.from({ length: size }, () => Math.floor(random() * 10)),
      );
    case DataType.INT64:
      return new Tensor(
        dtype,
        shape,
        BigInt64Array.from({ length: size }, () => BigInt(Math.floor(random() * 10))),
      );
    default:
      // float16 / bfloat16: rounded from float64 values.
      return tensorFromNumbers(dtype, shape, Array.from(Float64Array.from({ length: size }, gaussian)));
  }
}

/** One backend's result in a validation table. */
export interface BackendRun {
  readonly backend: BackendName;
  readonly status: 'ok' | 'mismatch' | 'skip' | 'error';
  readonly provider: string;
  readonly loadMs: number | null;
  readonly medianMs: number | null;
  readonly maxAbsDiff: number | null;
  readonly message: string;
  /** The error that stopped the run (status `error`), for callers that report it themselves. */
  readonly error?: unknown;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/**
 * Runs `model` on each backend (`repeats` timed runs after one warm-up), comparing every output with the first
 * backend's (the reference) within `atol + rtol*|ref|`.
 */
export async function runOnBackends(
  model: Model,
  feeds: ReadonlyMap<string, Tensor>,
  backends: readonly Backend[],
  options: {
    readonly repeats: number;
    readonly atol: number;
    readonly rtol: number;
    readonly onProgress?: (line: string) => void;
  },
): Promise<{ runs: BackendRun[]; outputs: Map<string, Tensor> | undefined }> {
  const runs: BackendRun[] = [];
  let reference: Map<string, Tensor> | undefined;
  for (const backend of backends) {
    const availability = await backend.availability();
    if (!availability.available) {
      runs.push({
        backend: backend.name,
        status: 'skip',
        provider: '',
        loadMs: null,
        medianMs: null,
        maxAbsDiff: null,
        message: availability.reason,
      });
      continue;
    }
    options.onProgress?.(`running on ${backend.name} ...`);
    try {
      const t0 = performance.now();
      const session = await backend.load(model);
      const loadMs = performance.now() - t0;
      let outputs = await session.run(feeds);
      const times: number[] = [];
      for (let i = 0; i < options.repeats; i += 1) {
        const start = performance.now();
        outputs = await session.run(feeds);
        times.push(performance.now() - start);
      }
      await session.dispose();
      let maxAbsDiff: number | null = null;
      let status: BackendRun['status'] = 'ok';
      let message = '';
      if (reference === undefined) reference = outputs;
      else {
        maxAbsDiff = 0;
        for (const [name, want] of reference) {
          const got = outputs.get(name);
          if (got === undefined) {
            status = 'error';
            message = `output '${name}' missing`;
            break;
          }
          const comparison = compareTensors(got, want, { atol: options.atol, rtol: options.rtol });
          maxAbsDiff = Math.max(maxAbsDiff, comparison.maxAbsErr);
          if (!comparison.ok) {
            status = 'mismatch';
            message = `output '${name}': ${comparison.message}`;
          }
        }
      }
      runs.push({
        backend: backend.name,
        status,
        provider: session.provider,
        loadMs,
        medianMs: median(times),
        maxAbsDiff,
        message,
      });
    } catch (error) {
      runs.push({
        backend: backend.name,
        status: 'error',
        provider: '',
        loadMs: null,
        medianMs: null,
        maxAbsDiff: null,
        message: error instanceof Error ? error.message : String(error),
        error,
      });
    }
  }
  return { runs, outputs: reference };
}

/** Renders rows as an aligned text table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Notes longer than this go below the table as numbered footnotes. */
const NOTE_WIDTH = 90;

/** The validation table of `runOnBackends` (long notes become footnotes under it). */
export function formatRuns(runs: readonly BackendRun[]): string {
  const ms = (value: number | null): string => (value === null ? '-' : value.toFixed(2));
  const footnotes: string[] = [];
  const note = (run: BackendRun): string => {
    const text = run.message || run.provider;
    if (text.length <= NOTE_WIDTH) return text;
    footnotes.push(`[${footnotes.length + 1}] ${run.backend}: ${text}`);
    return `see [${footnotes.length}]`;
  };
  const body = table(
    ['backend', 'status', 'session ms', 'median run ms', 'max |diff| vs ref', 'provider / note'],
    runs.map((r) => [
      r.backend,
      r.status,
      ms(r.loadMs),
      ms(r.medianMs),
      r.maxAbsDiff === null ? '-' : r.maxAbsDiff.toExponential(2),
      note(r),
    ]),
  );
  return footnotes.length === 0 ? body : `${body}\n${footnotes.join('\n')}`;
}
