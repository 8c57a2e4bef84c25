/**
 * Real-shaped convolutions (and the two other users of the float64 matrix multiply, Gemm and MatMul) whose output
 * bits are pinned in `fixtures/conv-bits.json`. The fixture was written once by `scripts/pin-conv-bits.ts` with
 * the reference kernels as they were before the speed-up of issue 12, so a faster kernel that changes a single
 * bit of any output fails `conv-bits.test.ts`.
 *
 * Shapes come from the networks in ../shared/golden/real (spatial sizes cut down so the test stays quick): the
 * SqueezeNet stem (7×7 stride 2), Fire modules (1×1 squeeze, 3×3 pad 1 expand), YOLOv5's 6×6 stride-2 stem and
 * 3×3 stride-2 downsampling, MobileNetV2's depthwise 3×3 (stride 1 and 2), a grouped and a dilated conv with
 * asymmetric pads, SAME_UPPER, 1-D and 3-D, batch 2, float64, and non-finite weights next to padding.
 */
import { createHash } from 'node:crypto';
import { prng } from '../../src/blocks/weights.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Conv } from '../../src/ops/conv.js';
import { Gemm } from '../../src/ops/gemm.js';
import { MatMul } from '../../src/ops/mat-mul.js';
import { runOp1 } from './op-harness.js';

/** One pinned case: how to compute it. */
export interface BitsCase {
  readonly name: string;
  readonly run: () => Tensor;
}

/** What the fixture stores per case. */
export interface PinnedBits {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dtype: number;
  /** SHA-256 of the output's little-endian element bytes. */
  readonly sha256: string;
  /** The first few elements, to make a mismatch readable. */
  readonly head: readonly number[];
}

/** Uniform values in `±scale` from a seeded generator (as float32, or float64 for `DataType.DOUBLE`). */
function random(dtype: DataType, dims: readonly number[], seed: number, scale = 1): Tensor {
  const next = prng(seed);
  const values = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (next() * 2 - 1) * scale);
  return dtype === DataType.DOUBLE
    ? new Tensor(DataType.DOUBLE, dims, Float64Array.from(values))
    : Tensor.float32(dims, values);
}

interface ConvSpec {
  readonly x: readonly number[];
  readonly w: readonly number[];
  readonly bias?: boolean;
  readonly strides?: readonly number[];
  readonly pads?: readonly number[];
  readonly dilations?: readonly number[];
  readonly group?: number;
  readonly autoPad?: 'SAME_UPPER';
  readonly dtype?: DataType;
  /** Overwrites these flat weight indices (non-finite weights). */
  readonly poke?: readonly (readonly [number, number])[];
}

function convCase(name: string, spec: ConvSpec, seed: number): BitsCase {
  return {
    name,
    run: () => {
      const dtype = spec.dtype ?? DataType.FLOAT;
      const fanIn = spec.w.slice(1).reduce((a, b) => a * b, 1);
      const x = random(dtype, spec.x, seed);
      let w = random(dtype, spec.w, seed + 1, 1 / Math.sqrt(fanIn));
      if (spec.poke !== undefined) {
        const data = Float32Array.from(w.toNumbers());
        for (const [index, value] of spec.poke) data[index] = value;
        w = Tensor.float32(spec.w, data);
      }
      const bias = spec.bias === true ? random(dtype, [spec.w[0] ?? 1], seed + 2, 0.5) : null;
      return runOp1(Conv, bias === null ? [x, w] : [x, w, bias], {
        ...(spec.strides === undefined ? {} : { strides: spec.strides }),
        ...(spec.pads === undefined ? {} : { pads: spec.pads }),
        ...(spec.dilations === undefined ? {} : { dilations: spec.dilations }),
        ...(spec.group === undefined ? {} : { group: spec.group }),
        ...(spec.autoPad === undefined ? {} : { autoPad: spec.autoPad }),
      });
    },
  };
}

/** The pinned cases, in fixture order. */
export const BITS_CASES: readonly BitsCase[] = [
  convCase(
    'squeezenet stem 7x7 s2, 3->96, 45x51',
    { x: [1, 3, 45, 51], w: [96, 3, 7, 7], bias: true, strides: [2, 2] },
    1,
  ),
  convCase('fire squeeze 1x1, 96->16, 26x28', { x: [1, 96, 26, 28], w: [16, 96, 1, 1], bias: true }, 2),
  convCase(
    'fire expand 3x3 p1, 32->64, 26x28',
    { x: [1, 32, 26, 28], w: [64, 32, 3, 3], bias: true, pads: [1, 1, 1, 1] },
    3,
  ),
  convCase(
    'yolov5 stem 6x6 s2 p2, 3->16, 64x48',
    { x: [1, 3, 64, 48], w: [16, 3, 6, 6], bias: true, strides: [2, 2], pads: [2, 2, 2, 2] },
    4,
  ),
  convCase(
    'yolov5 downsample 3x3 s2 p1, 16->32, 40x32',
    { x: [1, 16, 40, 32], w: [32, 16, 3, 3], bias: true, strides: [2, 2], pads: [1, 1, 1, 1] },
    5,
  ),
  convCase(
    'dilated 3x3 d2, asymmetric pads, 8->12, 20x22',
    { x: [1, 8, 20, 22], w: [12, 8, 3, 3], dilations: [2, 2], pads: [2, 1, 2, 3] },
    6,
  ),
  convCase(
    'depthwise 3x3 s1 p1, 32 ch, 28x28',
    { x: [1, 32, 28, 28], w: [32, 1, 3, 3], bias: true, pads: [1, 1, 1, 1], group: 32 },
    7,
  ),
  convCase(
    'depthwise 3x3 s2 p1, 24 ch, 29x27',
    { x: [1, 24, 29, 27], w: [24, 1, 3, 3], bias: true, strides: [2, 2], pads: [1, 1, 1, 1], group: 24 },
    8,
  ),
  convCase(
    'depthwise 5x5 s2 SAME_UPPER, 16 ch, 21x20',
    { x: [1, 16, 21, 20], w: [16, 1, 5, 5], strides: [2, 2], autoPad: 'SAME_UPPER', group: 16 },
    9,
  ),
  convCase(
    'grouped 3x3 p1, group 4, 16->32, 14x15',
    { x: [1, 16, 14, 15], w: [32, 4, 3, 3], bias: true, pads: [1, 1, 1, 1], group: 4 },
    10,
  ),
  convCase('classifier 1x1, 512->100, 13x14', { x: [1, 512, 13, 14], w: [100, 512, 1, 1], bias: true }, 11),
  convCase('batch 2, 3x3 s1 p1, 5->7, 11x9', { x: [2, 5, 11, 9], w: [7, 5, 3, 3], bias: true, pads: [1, 1, 1, 1] }, 12),
  convCase('1-D k5 s2 p2, 6->10, 37', { x: [1, 6, 37], w: [10, 6, 5], strides: [2], pads: [2, 2] }, 13),
  convCase(
    '3-D 3x3x3 p1, 4->6, 6x7x5',
    { x: [1, 4, 6, 7, 5], w: [6, 4, 3, 3, 3], bias: true, pads: [1, 1, 1, 1, 1, 1] },
    14,
  ),
  convCase(
    'float64 3x3 p1, 32->48, 13x14',
    { x: [1, 32, 13, 14], w: [48, 32, 3, 3], bias: true, pads: [1, 1, 1, 1], dtype: DataType.DOUBLE },
    15,
  ),
  convCase(
    'float64 depthwise 3x3 s2 p1, 16 ch, 15x16',
    { x: [1, 16, 15, 16], w: [16, 1, 3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 16, dtype: DataType.DOUBLE },
    16,
  ),
  convCase(
    'float64 1x1, 64->24, 9x10',
    { x: [1, 64, 9, 10], w: [24, 64, 1, 1], bias: true, dtype: DataType.DOUBLE },
    17,
  ),
  convCase(
    'non-finite weights next to padding, 3x3 p1, 2->3, 5x6',
    {
      x: [1, 2, 5, 6],
      w: [3, 2, 3, 3],
      pads: [1, 1, 1, 1],
      poke: [
        [0, Infinity],
        [13, Number.NaN],
        [26, -Infinity],
      ],
    },
    18,
  ),
  {
    name: 'gemm transB 1x1280 by 1000x1280 + C',
    run: () =>
      runOp1(
        Gemm,
        [
          random(DataType.FLOAT, [1, 1280], 19),
          random(DataType.FLOAT, [1000, 1280], 20, 0.03),
          random(DataType.FLOAT, [1000], 21),
        ],
        { transB: 1 },
      ),
  },
  {
    name: 'matmul batched 2x37x29 by 29x23',
    run: () => runOp1(MatMul, [random(DataType.FLOAT, [2, 37, 29], 22), random(DataType.FLOAT, [29, 23], 23)], {}),
  },
];

/** The fixture record of a computed output. */
export function pin(name: string, tensor: Tensor): PinnedBits {
  const data = tensor.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new Error(`${name}: expected float32/float64 output, got ${tensor.describe()}`);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return {
    name,
    dims: [...tensor.dims],
    dtype: tensor.dtype,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    head: Array.from(data.subarray(0, 4)),
  };
}
