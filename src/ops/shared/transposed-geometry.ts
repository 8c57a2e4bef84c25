/**
 * The geometry of a transposed (fractionally strided) convolution, ConvTranspose, per spatial axis with input size
 * `a`, kernel `k`, stride `s`, dilation `d` and output padding `op`:
 *   span = d * (k - 1) + 1                              (extent of one dilated kernel)
 *   full = s * (a - 1) + op + span                      (the output before any padding is cut away)
 *   explicit pads (auto_pad NOTSET, no output_shape):    out = full - pb - pe
 *   auto_pad VALID:                                      out = full, no padding
 *   auto_pad SAME_UPPER / SAME_LOWER:                    out = a * s   (then as for an explicit output_shape)
 *   output_shape given:                                  out = output_shape[i]; total = full - out, split as
 *     SAME_UPPER: pb = floor(total / 2), pe = total - pb    (the odd one at the end)
 *     otherwise:  pe = floor(total / 2), pb = total - pe    (the odd one at the beginning)
 *   at every opset: ConvTranspose-1's text tested `auto_pads != SAME_UPPER`, contradicting its own auto_pad
 *   description; the ONNX maintainers called it a typo (onnx/onnx#1609, fixed in the opset-11 text), and
 *   onnxruntime splits as above at every opset too.
 *   SAME keeps the spec text's `out = a * s` even where the kernel span is smaller than the stride (a negative
 *   total, below); onnxruntime and ONNX's own shape inference give `s * (a - 1) + span` there instead.
 *   A negative total (an output larger than `full`) cuts nothing: pb = 0 and the extra output positions, at the
 *   end, receive no input contribution (only the bias). That is onnxruntime's rule (it never pads negatively) and
 *   what test_convtranspose_output_shape expects (total -1); the spec's formula is silent on negative totals.
 * Input position `j` and kernel tap `t` contribute to output position `o = j*s + t*d - pb` when `0 <= o < out`.
 */
import { addDims, mulDim, type Dim } from '../../ir/dim.js';

/** The ConvTranspose attributes the geometry depends on (already parsed to camelCase). */
export interface TransposedAttrs {
  readonly autoPad: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
  readonly kernelShape: readonly number[];
  readonly strides: readonly number[] | undefined;
  readonly dilations: readonly number[] | undefined;
  readonly pads: readonly number[] | undefined;
  readonly outputPadding: readonly number[] | undefined;
  readonly outputShape: readonly number[] | undefined;
}

/** The resolved geometry of one spatial axis of a transposed convolution. */
export interface TransposedAxis {
  readonly inSize: number;
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  /** Output positions cut from the beginning (negative: output positions added before any input reaches). */
  readonly padBegin: number;
  readonly outSize: number;
}

/** Per-axis parameters after defaults, before the input size is known. */
interface AxisParams {
  readonly kernel: number;
  readonly stride: number;
  readonly dilation: number;
  readonly outputPadding: number;
  readonly padBegin: number;
  readonly padEnd: number;
  /** The requested output size (output_shape) or undefined; SAME requests `a * s`, resolved per input size. */
  readonly requested: number | undefined;
}

function positiveInts(values: readonly number[]): boolean {
  return values.every((v) => Number.isInteger(v) && v >= 1);
}

/**
 * Validates the attributes against the spatial rank and returns the per-axis parameters. `output_shape` may list
 * the spatial dims only or, as some exporters write it, the whole output shape (its last `rank` entries count).
 */
function axisParams(attrs: TransposedAttrs, rank: number, fail: (detail: string) => never): AxisParams[] {
  const { kernelShape: kernel } = attrs;
  const strides = attrs.strides ?? kernel.map(() => 1);
  const dilations = attrs.dilations ?? kernel.map(() => 1);
  const pads = attrs.pads ?? kernel.flatMap(() => [0, 0]);
  const outputPadding = attrs.outputPadding ?? kernel.map(() => 0);
  const json = JSON.stringify;
  if (kernel.length !== rank)
    fail(`kernel_shape ${json(kernel)} has ${kernel.length} dims but the input has ${rank} spatial dims`);
  if (strides.length !== rank) fail(`strides ${json(strides)} must have ${rank} values`);
  if (dilations.length !== rank) fail(`dilations ${json(dilations)} must have ${rank} values`);
  if (pads.length !== 2 * rank) fail(`pads ${json(pads)} must have ${2 * rank} values (begins then ends)`);
  if (outputPadding.length !== rank) fail(`output_padding ${json(outputPadding)} must have ${rank} values`);
  if (!positiveInts(kernel)) fail(`kernel_shape ${json(kernel)} must be positive integers`);
  if (!positiveInts(strides)) fail(`strides ${json(strides)} must be positive integers`);
  if (!positiveInts(dilations)) fail(`dilations ${json(dilations)} must be positive integers`);
  if (pads.some((p) => !Number.isInteger(p) || p < 0)) fail(`pads ${json(pads)} must be non-negative integers`);
  if (attrs.autoPad !== 'NOTSET' && attrs.pads !== undefined && attrs.pads.some((p) => p !== 0))
    fail(`auto_pad ${attrs.autoPad} cannot be combined with explicit pads ${json(attrs.pads)}`);
  outputPadding.forEach((extra, axis) => {
    const limit = Math.max(strides[axis] ?? 1, dilations[axis] ?? 1);
    if (!Number.isInteger(extra) || extra < 0 || extra >= limit)
      fail(
        `output_padding ${json(outputPadding)} must be non-negative and smaller than the stride or the dilation ` +
          `of its axis (strides ${json(strides)}, dilations ${json(dilations)})`,
      );
  });
  const shape = attrs.outputShape;
  if (shape !== undefined && shape.length !== rank && shape.length !== rank + 2)
    fail(`output_shape ${json(shape)} must have ${rank} values (one per spatial axis)`);
  const requested = shape?.slice(shape.length - rank);
  if (requested !== undefined && !requested.every((v) => Number.isInteger(v) && v >= 0))
    fail(`output_shape ${json(shape)} must be non-negative integers`);
  return kernel.map((k, axis) => ({
    kernel: k,
    stride: strides[axis] ?? 1,
    dilation: dilations[axis] ?? 1,
    outputPadding: outputPadding[axis] ?? 0,
    padBegin: attrs.autoPad === 'NOTSET' ? (pads[axis] ?? 0) : 0,
    padEnd: attrs.autoPad === 'NOTSET' ? (pads[axis + rank] ?? 0) : 0,
    requested: requested?.[axis],
  }));
}

/** The begin pad of a generated `total` padding (see the header for the split; none for a negative total). */
function generatedPadBegin(total: number, autoPad: TransposedAttrs['autoPad']): number {
  if (total <= 0) return 0;
  const half = Math.floor(total / 2);
  return autoPad === 'SAME_UPPER' ? half : total - half;
}

/** The begin pad and output size of one axis of concrete input size `inSize`. */
function resolveAxis(
  inSize: number,
  p: AxisParams,
  axis: number,
  attrs: TransposedAttrs,
  fail: (detail: string) => never,
): { padBegin: number; outSize: number } {
  const span = p.dilation * (p.kernel - 1) + 1;
  const full = p.stride * (inSize - 1) + p.outputPadding + span;
  const same = attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER';
  const requested = p.requested ?? (same ? inSize * p.stride : undefined);
  if (requested !== undefined)
    return { padBegin: generatedPadBegin(full - requested, attrs.autoPad), outSize: requested };
  const outSize = full - p.padBegin - p.padEnd;
  if (outSize < 0)
    fail(
      `pads ${p.padBegin}+${p.padEnd} exceed the full output size ${full} of spatial axis ${axis} ` +
        `(input size ${inSize}, kernel ${p.kernel}, stride ${p.stride}, dilation ${p.dilation})`,
    );
  return { padBegin: p.padBegin, outSize };
}

/** Resolves every spatial axis for concrete input sizes. */
export function resolveTransposed(
  spatial: readonly number[],
  attrs: TransposedAttrs,
  fail: (detail: string) => never,
): TransposedAxis[] {
  const params = axisParams(attrs, spatial.length, fail);
  return spatial.map((inSize, axis) => {
    const p = params[axis];
    if (p === undefined) return fail(`internal: no geometry for spatial axis ${axis}`);
    const { padBegin, outSize } = resolveAxis(inSize, p, axis, attrs, fail);
    return { inSize, kernel: p.kernel, stride: p.stride, dilation: p.dilation, padBegin, outSize };
  });
}

/**
 * Output spatial dims for possibly symbolic input dims: with explicit pads `H` becomes
 * `s*H + (op + span - s - pb - pe)`, with SAME padding `s*H`; an output_shape gives constants.
 */
export function transposedOutputDims(
  spatial: readonly Dim[],
  attrs: TransposedAttrs,
  fail: (detail: string) => never,
): Dim[] {
  const params = axisParams(attrs, spatial.length, fail);
  return spatial.map((inSize, axis) => {
    const p = params[axis];
    if (p === undefined) return fail(`internal: no geometry for spatial axis ${axis}`);
    if (p.requested !== undefined) return p.requested;
    if (typeof inSize === 'number') return resolveAxis(inSize, p, axis, attrs, fail).outSize;
    if (attrs.autoPad === 'SAME_UPPER' || attrs.autoPad === 'SAME_LOWER') return mulDim(inSize, p.stride);
    const span = p.dilation * (p.kernel - 1) + 1;
    return addDims(mulDim(inSize, p.stride), p.outputPadding + span - p.stride - p.padBegin - p.padEnd);
  });
}
