import { describe, expect, it } from 'vitest';
import { prng } from '../../src/blocks/weights.js';
import { convolve, type ConvProblem } from '../../src/ops/shared/gemm-conv.js';
import { gemmKernels, jsGemmKernels } from '../../src/ops/shared/gemm-kernels.js';
import { resolveWindows } from '../../src/ops/shared/pool-geometry.js';

const fail = (detail: string): never => {
  throw new Error(detail);
};

/**
 * The ONNX Conv definition, written out: y[n, m, o] = Σ over c < C/group and taps t (row-major over the kernel) of
 * w[m, c, t] · x[n, g·C/group + c, o·stride - padBegin + t·dilation] (0 outside the input), summed in float64 from
 * +0 in that order, then + bias[m].
 */
function naiveConv(p: ConvProblem): Float64Array {
  const rank = p.axes.length;
  const perGroup = p.channels / p.group;
  const outPerGroup = p.outChannels / p.group;
  const inPlane = p.axes.reduce((s, a) => s * a.inSize, 1);
  const outPlane = p.axes.reduce((s, a) => s * a.outSize, 1);
  const taps = p.axes.reduce((s, a) => s * a.kernel, 1);
  const out = new Float64Array(p.batch * p.outChannels * outPlane);
  const unravel = (index: number, sizes: readonly number[]): number[] => {
    const result = new Array<number>(rank).fill(0);
    for (let axis = rank - 1; axis >= 0; axis -= 1) {
      result[axis] = index % (sizes[axis] ?? 1);
      index = Math.floor(index / (sizes[axis] ?? 1));
    }
    return result;
  };
  for (let n = 0; n < p.batch; n += 1) {
    for (let m = 0; m < p.outChannels; m += 1) {
      const g = Math.floor(m / outPerGroup);
      for (let o = 0; o < outPlane; o += 1) {
        const position = unravel(
          o,
          p.axes.map((a) => a.outSize),
        );
        let sum = 0;
        for (let c = 0; c < perGroup; c += 1) {
          for (let t = 0; t < taps; t += 1) {
            const tap = unravel(
              t,
              p.axes.map((a) => a.kernel),
            );
            let offset = 0;
            let inside = true;
            p.axes.forEach((a, axis) => {
              const at = (position[axis] ?? 0) * a.stride - a.padBegin + (tap[axis] ?? 0) * a.dilation;
              if (at < 0 || at >= a.inSize) inside = false;
              offset = offset * a.inSize + at;
            });
            const xValue = inside ? (p.x[(n * p.channels + g * perGroup + c) * inPlane + offset] ?? 0) : 0;
            sum += (p.w[(m * perGroup + c) * taps + t] ?? 0) * xValue;
          }
        }
        out[(n * p.outChannels + m) * outPlane + o] = sum + (p.bias?.[m] ?? 0);
      }
    }
  }
  return out;
}

interface Shape {
  readonly batch: number;
  readonly channels: number;
  readonly outChannels: number;
  readonly group: number;
  readonly spatial: readonly number[];
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly pads: readonly number[];
  readonly bias: boolean;
}

function problemOf(shape: Shape, seed: number): ConvProblem {
  const random = prng(seed);
  const values = (count: number): Float32Array => Float32Array.from({ length: count }, () => random() * 2 - 1);
  const axes = resolveWindows(
    shape.spatial,
    {
      autoPad: 'NOTSET',
      kernelShape: shape.kernel,
      strides: shape.strides,
      pads: shape.pads,
      dilations: shape.dilations,
      ceilMode: 0,
    },
    fail,
  );
  const inPlane = shape.spatial.reduce((a, b) => a * b, 1);
  const taps = shape.kernel.reduce((a, b) => a * b, 1);
  return {
    x: values(shape.batch * shape.channels * inPlane),
    w: values(shape.outChannels * (shape.channels / shape.group) * taps),
    bias: shape.bias ? values(shape.outChannels) : null,
    batch: shape.batch,
    channels: shape.channels,
    outChannels: shape.outChannels,
    group: shape.group,
    axes,
  };
}

/** Seeded random geometries: ranks 1–3, groups (depthwise included), strides, dilations, asymmetric pads. */
function randomShapes(count: number, seed: number): Shape[] {
  const random = prng(seed);
  const pick = (max: number): number => Math.floor(random() * max);
  return Array.from({ length: count }, () => {
    const rank = 1 + pick(3);
    const group = [1, 1, 2, 3][pick(4)] ?? 1;
    const depthwise = pick(4) === 0;
    const channels = depthwise ? 1 + pick(6) : group * (1 + pick(4));
    const outChannels = depthwise ? channels : group * (1 + pick(7));
    const kernel = Array.from({ length: rank }, () => 1 + pick(rank === 3 ? 3 : 5));
    const dilations = kernel.map(() => 1 + pick(2));
    const strides = kernel.map(() => 1 + pick(3));
    const pads = [...kernel, ...kernel].map(() => pick(3));
    const spatial = kernel.map((k, i) => (k - 1) * (dilations[i] ?? 1) + 1 + pick(rank === 3 ? 5 : 12));
    return {
      batch: 1 + pick(2),
      channels,
      outChannels,
      group: depthwise ? channels : group,
      spatial,
      kernel,
      strides,
      dilations,
      pads,
      bias: pick(2) === 0,
    };
  });
}

describe('convolve (im2col + 4×4 GEMM, direct depthwise kernel)', () => {
  const definitionTitle =
    'matches the written-out ONNX definition bit for bit (float64 and float32 outputs), ' +
    'on the WebAssembly kernels and their JS twins';
  it(definitionTitle, () => {
    const kernels = [gemmKernels(), jsGemmKernels()];
    randomShapes(60, 5).forEach((shape, index) => {
      const problem = problemOf(shape, 100 + index);
      const want = naiveConv(problem);
      const want32 = Float32Array.from(want);
      for (const k of kernels) {
        const got = new Float64Array(want.length);
        convolve(k, problem, got, fail);
        expect(Array.from(got), `${k.kind} ${JSON.stringify(shape)}`).toEqual(Array.from(want));
        // A float32 output holds each float64 result rounded once.
        const got32 = new Float32Array(want.length);
        convolve(k, problem, got32, fail);
        expect(Array.from(got32), `${k.kind} float32 ${JSON.stringify(shape)}`).toEqual(Array.from(want32));
      }
    });
  });

  it('rounds once to float32 when the output is float32', () => {
    const problem = problemOf(
      {
        batch: 1,
        channels: 3,
        outChannels: 5,
        group: 1,
        spatial: [9, 10],
        kernel: [3, 3],
        strides: [1, 2],
        dilations: [1, 1],
        pads: [1, 0, 2, 1],
        bias: true,
      },
      7,
    );
    const want = Float32Array.from(naiveConv(problem));
    const got = new Float32Array(want.length);
    convolve(gemmKernels(), problem, got, fail);
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});
