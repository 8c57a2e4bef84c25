/**
 * Einsum: hand-derived cases beyond the five conformance equations (implicit output order, traces and diagonals,
 * outer products, broadcast and summed ellipses, integer wrapping, symbolic inference) and the equation errors.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Einsum } from '../../src/ops/einsum.js';
import { constant, feed, inferShape, runOp1, values } from './run-op.js';

const f32 = (dims: number[], list: number[]): Tensor => Tensor.float32(dims, list);
const i32 = (dims: number[], list: number[]): Tensor => new Tensor(DataType.INT32, dims, Int32Array.from(list));
// [[1, 2], [3, 4]]
const m = f32([2, 2], [1, 2, 3, 4]);

describe('Einsum', () => {
  it('multiplies matrices', () => {
    // [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]].
    const y = runOp1(Einsum, [feed(m), constant(f32([2, 2], [5, 6, 7, 8]))], { equation: 'ij,jk->ik' });
    expect(y.dims).toEqual([2, 2]);
    expect(values(y)).toEqual([19, 22, 43, 50]);
  });

  it('takes traces and diagonals from repeated labels', () => {
    const trace = runOp1(Einsum, [feed(m)], { equation: 'ii' });
    expect(trace.dims).toEqual([]);
    expect(values(trace)).toEqual([5]);
    expect(values(runOp1(Einsum, [feed(m)], { equation: 'ii->i' }))).toEqual([1, 4]);
  });

  it('orders the implicit output by ASCII code: "ji" transposes, "Ba" does not', () => {
    expect(values(runOp1(Einsum, [feed(m)], { equation: 'ji' }))).toEqual([1, 3, 2, 4]);
    expect(values(runOp1(Einsum, [feed(m)], { equation: 'Ba' }))).toEqual([1, 2, 3, 4]);
    // Outer product: i, j each appear once → output "ij".
    const outer = runOp1(Einsum, [feed(f32([2], [1, 2])), constant(f32([3], [1, 10, 100]))], { equation: 'i , j' });
    expect(outer.dims).toEqual([2, 3]);
    expect(values(outer)).toEqual([1, 10, 100, 2, 20, 200]);
  });

  it('broadcasts ellipsis dims and letters of size 1', () => {
    // A [2, 1, 2] (batch 2) · B [2, 1] shared by both batches: [[1, 2]]·[[1], [1]] = 3, [[3, 4]]·[[1], [1]] = 7.
    const a = f32([2, 1, 2], [1, 2, 3, 4]);
    const y = runOp1(Einsum, [feed(a), constant(f32([2, 1], [1, 1]))], { equation: '...ij,jk->...ik' });
    expect(y.dims).toEqual([2, 1, 1]);
    expect(values(y)).toEqual([3, 7]);
    // A letter of size 1 broadcasts too (numpy): [[1, 2, 3]] against two rows.
    const rows = f32([2, 3], [1, 1, 1, 2, 2, 2]);
    expect(values(runOp1(Einsum, [feed(f32([1, 3], [1, 2, 3])), constant(rows)], { equation: 'ij,ij->ij' }))).toEqual([
      1, 2, 3, 2, 4, 6,
    ]);
    // An ellipsis over no dims needs no '...' in the output.
    expect(values(runOp1(Einsum, [feed(f32([2], [1, 2]))], { equation: '...i->i' }))).toEqual([1, 2]);
  });

  it('wraps int32 sums of products like C', () => {
    // 65536 · 65536 = 2^32 wraps to 0; 46341² = 2147488281 wraps to -2147479015.
    const y = runOp1(Einsum, [feed(i32([2], [65536, 46341])), constant(i32([2], [65536, 0]))], { equation: 'i,i' });
    expect(values(y)).toEqual([0]);
    expect(
      values(runOp1(Einsum, [feed(i32([1], [46341])), constant(i32([1], [46341]))], { equation: 'i,i->' })),
    ).toEqual([-2147479015]);
  });

  it('keeps symbolic dims', () => {
    const shape = inferShape(
      Einsum,
      [
        { dtype: DataType.FLOAT, shape: ['B', 'M', 4] },
        { dtype: DataType.FLOAT, shape: ['B', 4, 'N'] },
      ],
      { equation: 'bij,bjk->bik' },
    );
    expect(shape).toEqual(['B', 'M', 'N']);
  });

  it('is emitted by the generated builder method, which infers the output shape', () => {
    const b = new GraphBuilder({ opset: 17 });
    const x = b.input('x', DataType.FLOAT, ['N', 3]);
    const w = b.input('w', DataType.FLOAT, [3, 5]);
    const y = b.einsum([x, w], { equation: 'nc,cd->nd' });
    expect(y.type?.shape?.map(String)).toEqual(['N', '5']);
    expect(() => b.einsum([x], {})).toThrow(/Einsum node .*attribute 'equation' is required/);
  });

  it('refuses equations that do not fit the inputs, naming the equation, term and shapes', () => {
    const run = (equation: string, inputs: Tensor[]): (() => Tensor) => {
      const [first, ...rest] = inputs;
      return () => runOp1(Einsum, [feed(first ?? m), ...rest.map((t) => constant(t))], { equation });
    };
    expect(run('ij,jk->ik', [m, f32([3, 1], [1, 2, 3])])).toThrow(
      /Einsum node .*label 'j' of equation 'ij,jk->ik' has size 2 in one place and 3 at axis 0 of input 1/,
    );
    expect(run('ijk', [m])).toThrow(/term 'ijk' of equation 'ijk' names 3 axes but input 0 has shape \[2, 2\]/);
    expect(run('i#', [m])).toThrow(/holds '#'; only letters/);
    expect(run('ij->z', [m])).toThrow(/output label 'z' of equation 'ij->z' appears in no input term/);
    expect(run('ij->ii', [m])).toThrow(/repeats 'i'/);
    expect(run('ij,jk', [m])).toThrow(/has 2 input terms but the node has 1 inputs/);
    expect(run('...i->i', [m])).toThrow(/the ellipsis of equation '...i->i' covers 1 dims but the output term has no/);
  });
});
