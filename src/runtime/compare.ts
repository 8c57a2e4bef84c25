/**
 * Tolerance comparison of a backend's output against an expected tensor.
 *
 * An element passes when `abs(got - want) <= atol + rtol * abs(want)` (numpy's `isclose` rule, asymmetric in
 * `want`). NaN equals NaN at the same position (unless `nanEqual: false`); an infinity equals only the same
 * infinity. int64/uint64 are compared exactly as BigInts; string tensors element by element.
 */
import { dtypeName, isBigIntType } from '../ir/dtype.js';
import { stridesOf, type Tensor } from '../ir/tensor.js';

/** Tolerances of a comparison. */
export interface Tolerance {
  /** Absolute tolerance (default 0). */
  readonly atol?: number;
  /** Relative tolerance, scaled by `abs(want)` (default 0). */
  readonly rtol?: number;
  /** Whether NaN in both tensors at the same position counts as equal (default true). */
  readonly nanEqual?: boolean;
}

/** The outcome of `compareTensors`. */
export interface Comparison {
  /** True when dtype and shape agree and every element is within tolerance. */
  readonly ok: boolean;
  /** Largest `abs(got - want)` (Infinity when a NaN or infinity mismatches, or dtype/shape differ; 0 when empty). */
  readonly maxAbsErr: number;
  /** Largest `abs(got - want) / abs(want)`; Infinity where `want` is 0 and `got` is not. */
  readonly maxRelErr: number;
  /** Flat index of the element furthest outside tolerance (or with the largest error when all pass); -1 if none. */
  readonly worstIndex: number;
  /** One line for people: what was compared, and where it failed. */
  readonly message: string;
}

/** How far outside tolerance one element is: `Infinity` for mismatched NaN/infinity, `<= 0` when it passes. */
interface ElementError {
  readonly abs: number;
  readonly rel: number;
  readonly excess: number;
}

const MATCH: ElementError = { abs: 0, rel: 0, excess: -Infinity };
const MISMATCH: ElementError = { abs: Infinity, rel: Infinity, excess: Infinity };

function numericError(got: number, want: number, atol: number, rtol: number, nanEqual: boolean): ElementError {
  if (Number.isNaN(got) || Number.isNaN(want))
    return Number.isNaN(got) && Number.isNaN(want) && nanEqual ? MATCH : MISMATCH;
  if (!Number.isFinite(got) || !Number.isFinite(want)) return got === want ? MATCH : MISMATCH;
  const abs = Math.abs(got - want);
  const rel = abs === 0 ? 0 : want === 0 ? Infinity : abs / Math.abs(want);
  return { abs, rel, excess: abs - (atol + rtol * Math.abs(want)) };
}

function bigintError(got: bigint, want: bigint, atol: number, rtol: number): ElementError {
  const diff = got > want ? got - want : want - got;
  const abs = Number(diff);
  const magnitude = Math.abs(Number(want));
  const rel = diff === 0n ? 0 : want === 0n ? Infinity : abs / magnitude;
  return { abs, rel, excess: diff === 0n ? -Infinity : abs - (atol + rtol * magnitude) };
}

function formatIndex(dims: readonly number[], flat: number): string {
  if (dims.length === 0) return '[] (scalar)';
  const strides = stridesOf(dims);
  const index = strides.map((stride, axis) => Math.floor(flat / stride) % (dims[axis] ?? 1));
  return `[${index.join(', ')}] (flat ${flat})`;
}

function elementText(tensor: Tensor, index: number): string {
  const data = tensor.data;
  if (Array.isArray(data)) return JSON.stringify(data[index] ?? '');
  const raw = data[index];
  return typeof raw === 'bigint' ? raw.toString() : String(tensor.numberAt(index));
}

function failure(message: string): Comparison {
  return { ok: false, maxAbsErr: Infinity, maxRelErr: Infinity, worstIndex: -1, message };
}

/** Compares `got` with `want` element-wise under `abs(got - want) <= atol + rtol * abs(want)`. */
export function compareTensors(got: Tensor, want: Tensor, tolerance: Tolerance = {}): Comparison {
  const atol = tolerance.atol ?? 0;
  const rtol = tolerance.rtol ?? 0;
  const nanEqual = tolerance.nanEqual ?? true;
  if (!(atol >= 0) || !(rtol >= 0))
    throw new RangeError(`compareTensors: atol and rtol must be >= 0, got atol=${atol}, rtol=${rtol}`);
  if (got.dtype !== want.dtype) return failure(`dtype mismatch: got ${got.describe()}, want ${want.describe()}`);
  const sameShape = got.dims.length === want.dims.length && got.dims.every((dim, axis) => dim === want.dims[axis]);
  if (!sameShape) return failure(`shape mismatch: got ${got.describe()}, want ${want.describe()}`);

  const gotData = got.data;
  const wantData = want.data;
  const stringTensors = Array.isArray(gotData) && Array.isArray(wantData);
  const bigints = isBigIntType(got.dtype) && !Array.isArray(gotData) && !Array.isArray(wantData);
  let maxAbsErr = 0;
  let maxRelErr = 0;
  let worstIndex = -1;
  let worst: ElementError = { abs: -Infinity, rel: 0, excess: -Infinity };
  let failing = 0;
  for (let index = 0; index < got.size; index += 1) {
    let error: ElementError;
    if (stringTensors) error = gotData[index] === wantData[index] ? MATCH : MISMATCH;
    else if (bigints) error = bigintError(BigInt(gotData[index] ?? 0), BigInt(wantData[index] ?? 0), atol, rtol);
    else error = numericError(got.numberAt(index), want.numberAt(index), atol, rtol, nanEqual);
    if (error.excess > 0) failing += 1;
    maxAbsErr = Math.max(maxAbsErr, error.abs);
    maxRelErr = Math.max(maxRelErr, error.rel);
    const worse = error.excess > worst.excess || (error.excess === worst.excess && error.abs > worst.abs);
    if (worstIndex < 0 || worse) {
      worst = error;
      worstIndex = index;
    }
  }
  const rule = `atol=${atol} + rtol=${rtol}*|want|`;
  const what = `${dtypeName(got.dtype)}[${got.dims.join(', ')}]`;
  if (failing === 0) {
    return {
      ok: true,
      maxAbsErr,
      maxRelErr,
      worstIndex,
      message: `${what}: all ${got.size} elements within ${rule} (max abs err ${maxAbsErr}, max rel err ${maxRelErr})`,
    };
  }
  const at = formatIndex(got.dims, worstIndex);
  const values = `got ${elementText(got, worstIndex)}, want ${elementText(want, worstIndex)}`;
  const detail = `${values} (abs err ${worst.abs}, rel err ${worst.rel})`;
  return {
    ok: false,
    maxAbsErr,
    maxRelErr,
    worstIndex,
    message: `${what}: ${failing} of ${got.size} elements outside ${rule}; worst at ${at}: ${detail}`,
  };
}
