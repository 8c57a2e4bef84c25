/**
 * The statistics step shared by InstanceNormalization, LayerNormalization and GroupNormalization: view the input
 * as `rows` contiguous runs of `cols` elements and standardise each run,
 *   mean = Σ x / cols,   var = Σ (x - mean)² / cols   (population variance, two passes),
 *   invStdDev = 1 / sqrt(var + epsilon),   normalized = (x - mean) * invStdDev,
 * all in float64 (the ops round once when they write their outputs). Also the epsilon every one of them reads
 * (a float32 attribute) and the stash_type values they accept.
 */
import { DataType, dtypeName } from '../../ir/dtype.js';

/** The statistics of `rows` runs of `cols` elements, and the standardised elements. */
export interface RowStatistics {
  /** Same layout as the input: `(x - mean) * invStdDev`. */
  readonly normalized: Float64Array;
  /** One mean per run. */
  readonly mean: Float64Array;
  /** One `1 / sqrt(var + epsilon)` per run. */
  readonly invStdDev: Float64Array;
}

/** Standardises each of `rows` contiguous runs of `cols` elements of `data` (see the module comment). */
export function standardizeRows(data: ArrayLike<number>, rows: number, cols: number, epsilon: number): RowStatistics {
  const normalized = new Float64Array(rows * cols);
  const mean = new Float64Array(rows);
  const invStdDev = new Float64Array(rows);
  for (let r = 0; r < rows; r += 1) {
    const start = r * cols;
    let sum = 0;
    for (let i = start; i < start + cols; i += 1) sum += data[i] ?? 0;
    const mu = sum / cols;
    let squares = 0;
    for (let i = start; i < start + cols; i += 1) {
      const d = (data[i] ?? 0) - mu;
      squares += d * d;
    }
    const inv = 1 / Math.sqrt(squares / cols + epsilon);
    mean[r] = mu;
    invStdDev[r] = inv;
    for (let i = start; i < start + cols; i += 1) normalized[i] = ((data[i] ?? 0) - mu) * inv;
  }
  return { normalized, mean, invStdDev };
}

/** The epsilon of a node as a serialised model carries it (ONNX float attributes are float32). */
export function float32Attribute(value: number): number {
  return Math.fround(value);
}

/**
 * The element types a `stash_type` attribute may name, and refuses any other (naming the value and the allowed
 * types). sppkit computes the statistics in float64 whatever the stash type, and rounds once to it where an
 * output has that type (LayerNormalization's Mean and InvStdDev).
 */
export function stashType(value: number, allowed: readonly DataType[], fail: (detail: string) => never): DataType {
  const found = allowed.find((dtype) => dtype === value);
  if (found === undefined)
    return fail(
      `stash_type ${value} is not allowed; it must be one of ` +
        allowed.map((dtype) => `${dtype} (${dtypeName(dtype)})`).join(', '),
    );
  return found;
}

/** The stash types of LayerNormalization (type variable U: float, bfloat16). */
export const LAYER_NORM_STASH_TYPES: readonly DataType[] = [DataType.FLOAT, DataType.BFLOAT16];
/** The stash types of GroupNormalization-21 (float, bfloat16, float16, double). */
export const GROUP_NORM_STASH_TYPES: readonly DataType[] = [
  DataType.FLOAT,
  DataType.BFLOAT16,
  DataType.FLOAT16,
  DataType.DOUBLE,
];
