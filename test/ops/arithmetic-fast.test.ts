import { describe, expect, it } from 'vitest';
import { prng } from '../../src/blocks/weights.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Add } from '../../src/ops/add.js';
import { Div } from '../../src/ops/div.js';
import { Mul } from '../../src/ops/mul.js';
import { broadcastRows } from '../../src/ops/shared/broadcast.js';
import { Sub } from '../../src/ops/sub.js';
import { feed, runOp1 } from './run-op.js';

const SPECIAL = [0, -0, 1, -1, 0.5, Infinity, -Infinity, Number.NaN, 1e-40, 3.4e38, -2.5];

/** Numpy broadcasting written out: the input element read by output element `index`. */
function sourceIndex(dims: readonly number[], out: readonly number[], index: number): number {
  let rest = index;
  let source = 0;
  let stride = 1;
  for (let axis = out.length - 1; axis >= 0; axis -= 1) {
    const size = out[axis] ?? 1;
    const position = rest % size;
    rest = Math.floor(rest / size);
    const own = dims[axis - (out.length - dims.length)];
    if (own !== undefined) {
      source += (own === 1 ? 0 : position) * stride;
      stride *= own;
    }
  }
  return source;
}

const CASES: readonly (readonly [readonly number[], readonly number[], readonly number[]])[] = [
  [
    [2, 3, 4],
    [2, 3, 4],
    [2, 3, 4],
  ],
  [
    [1, 6, 5, 4],
    [6, 1, 1],
    [1, 6, 5, 4],
  ],
  [
    [3, 1, 5],
    [1, 4, 1],
    [3, 4, 5],
  ],
  [[4], [], [4]],
  [[], [2, 3], [2, 3]],
  [
    [2, 1, 3],
    [2, 5, 1],
    [2, 5, 3],
  ],
  [
    [1, 3, 1, 2],
    [3, 7, 2],
    [1, 3, 7, 2],
  ],
  [[2, 0, 3], [3], [2, 0, 3]],
];

describe('float fast path of Add / Sub / Mul / Div', () => {
  const ops = [
    { op: Add, f: (a: number, b: number) => a + b },
    { op: Sub, f: (a: number, b: number) => a - b },
    { op: Mul, f: (a: number, b: number) => a * b },
    { op: Div, f: (a: number, b: number) => a / b },
  ];
  for (const dtype of [DataType.FLOAT, DataType.DOUBLE]) {
    const dtypeLabel = dtype === DataType.FLOAT ? 'float32' : 'float64';
    it(`computes the IEEE operation with numpy broadcasting, bit for bit (${dtypeLabel})`, () => {
      const random = prng(3);
      const make = (dims: readonly number[]): Tensor => {
        const values = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () =>
          random() < 0.3 ? (SPECIAL[Math.floor(random() * SPECIAL.length)] ?? 0) : random() * 4 - 2,
        );
        return dtype === DataType.FLOAT
          ? Tensor.float32(dims, values)
          : new Tensor(DataType.DOUBLE, dims, Float64Array.from(values));
      };
      for (const [aDims, bDims, outDims] of CASES) {
        const a = make(aDims);
        const b = make(bDims);
        for (const { op, f } of ops) {
          const y = runOp1(op, [feed(a), feed(b)], {});
          expect(y.dims).toEqual(outDims);
          const want = Array.from({ length: outDims.reduce((p, d) => p * d, 1) }, (_, i) => {
            const value = f(
              a.toNumbers()[sourceIndex(aDims, outDims, i)] ?? 0,
              b.toNumbers()[sourceIndex(bDims, outDims, i)] ?? 0,
            );
            return dtype === DataType.FLOAT ? Math.fround(value) : value;
          });
          expect(y.toNumbers(), `${op.opType} ${JSON.stringify([aDims, bDims])}`).toEqual(want);
        }
      }
    });
  }
});

describe('broadcastRows', () => {
  it('walks a per-channel bias as one row per channel', () => {
    const plan = broadcastRows(
      [
        [1, 3, 2, 2],
        [3, 1, 1],
      ],
      [1, 3, 2, 2],
    );
    expect(plan.rows).toBe(3);
    expect(plan.length).toBe(4);
    expect(plan.steps).toEqual([1, 0]);
    expect(plan.starts.map((s) => Array.from(s))).toEqual([
      [0, 4, 8],
      [0, 1, 2],
    ]);
  });

  it('walks equal shapes and a scalar as a single row', () => {
    const plan = broadcastRows([[2, 3], [2, 3], []], [2, 3]);
    expect(plan.rows).toBe(1);
    expect(plan.length).toBe(6);
    expect(plan.steps).toEqual([1, 1, 0]);
  });
});
