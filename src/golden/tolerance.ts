/**
 * Tolerances of golden cases. An output passes when every element satisfies `|got - want| <= atol + rtol*|want|`.
 *
 *   - A backend-test-layout case may carry a `case.json` beside its `model.onnx` with `rtol` (a number) and `atol`
 *     (a number for every output, or a list with one entry per output, in graph output order: `output_<j>.pb`
 *     takes `atol[j]`), as `golden/real` does; a `tolerance: {atol, rtol}` object is read too. A key it does not
 *     give takes the default.
 *   - Layer cases give `tolerance: {atol, rtol}` (missing keys are 0, as they always were).
 *   - Default (a case that gives none): `atol = 1e-5, rtol = 1e-3` for float outputs (ONNX's backend-test runner
 *     uses rtol 1e-3; the atol covers float32 noise near zero); integer and bool outputs must match exactly.
 */
import { isFloatType } from '../ir/dtype.js';
import { ConfigError } from '../ir/errors.js';
import type { Tensor } from '../ir/tensor.js';

/** The tolerance of one output. */
export interface OutputTolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** A case's tolerances: rtol, and atol for every output or per output (in output order). */
export interface CaseTolerance {
  readonly rtol: number;
  readonly atol: number | readonly number[];
}

/** The default tolerance of a float output. */
export const DEFAULT_FLOAT_TOLERANCE: OutputTolerance = { atol: 1e-5, rtol: 1e-3 };
const EXACT: OutputTolerance = { atol: 0, rtol: 0 };

/** The tolerance of output `index` (`want` is its expected tensor): the case's, else the default for its type. */
export function toleranceOf(tolerance: CaseTolerance | null, index: number, want: Tensor): OutputTolerance {
  if (tolerance === null) return isFloatType(want.dtype) ? DEFAULT_FLOAT_TOLERANCE : EXACT;
  const atol = typeof tolerance.atol === 'number' ? tolerance.atol : tolerance.atol[index];
  if (atol === undefined) throw new ConfigError(`no atol for output ${index}`);
  return { atol, rtol: tolerance.rtol };
}

function isTolerance(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Reads the tolerance keys of a backend-test-layout case's `case.json` (already parsed), for a model with
 * `outputCount` outputs; null when it gives none. Throws ConfigError naming the file and key when one is malformed.
 */
export function onnxCaseTolerance(json: unknown, file: string, outputCount: number): CaseTolerance | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new ConfigError(`${file}: must hold a JSON object`);
  const nested: unknown = 'tolerance' in json ? json.tolerance : undefined;
  const inner = nested !== null && typeof nested === 'object' && !Array.isArray(nested) ? nested : {};
  const rtol: unknown = 'rtol' in json ? json.rtol : 'rtol' in inner ? inner.rtol : undefined;
  const atol: unknown = 'atol' in json ? json.atol : 'atol' in inner ? inner.atol : undefined;
  if (rtol === undefined && atol === undefined) return null;
  if (rtol !== undefined && !isTolerance(rtol))
    throw new ConfigError(`${file}: rtol must be a finite number >= 0, got ${JSON.stringify(rtol)}`);
  const resolvedRtol = rtol ?? DEFAULT_FLOAT_TOLERANCE.rtol;
  if (atol === undefined) return { rtol: resolvedRtol, atol: DEFAULT_FLOAT_TOLERANCE.atol };
  if (isTolerance(atol)) return { rtol: resolvedRtol, atol };
  if (!Array.isArray(atol) || !atol.every(isTolerance))
    throw new ConfigError(
      `${file}: atol must be a finite number >= 0 or a list of them (one per output), got ${JSON.stringify(atol)}`,
    );
  if (atol.length !== outputCount)
    throw new ConfigError(
      `${file}: atol lists ${atol.length} value(s) but the model has ${outputCount} output(s); ` +
        `give one per output_<j>.pb, in output order`,
    );
  return { rtol: resolvedRtol, atol };
}
