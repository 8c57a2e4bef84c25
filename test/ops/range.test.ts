import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Range } from '../../src/ops/range.js';
import { constant, feed, inferOp, runOp1, values } from './run-op.js';

const f = (v: number): Tensor => Tensor.float32([], [v]);
const i64 = (v: number): Tensor => Tensor.int64([], [v]);

describe('Range', () => {
  it('counts ceil((limit - start) / delta) elements', () => {
    expect(values(runOp1(Range, [feed(f(1)), feed(f(2)), feed(f(0.25))], {}))).toEqual([1, 1.25, 1.5, 1.75]);
    expect(values(runOp1(Range, [feed(i64(10)), feed(i64(4)), feed(i64(-3))], {}))).toEqual([10, 7]);
  });

  it('gives an empty tensor when the limit is behind the start', () => {
    expect(runOp1(Range, [feed(i64(5)), feed(i64(1)), feed(i64(2))], {}).dims).toEqual([0]);
  });

  it('infers the length from constant inputs and leaves it unknown otherwise', () => {
    expect(inferOp(Range, [constant(i64(0)), constant(i64(10)), constant(i64(3))], {})[0]?.shape).toEqual([4]);
    expect(inferOp(Range, [feed(i64(0)), constant(i64(10)), constant(i64(3))], {})[0]?.shape?.map(String)).toEqual([
      '?',
    ]);
  });

  it('refuses delta 0 and mixed types', () => {
    expect(() => runOp1(Range, [feed(i64(0)), feed(i64(3)), feed(i64(0))], {})).toThrow(/delta is 0/);
    expect(() => runOp1(Range, [feed(i64(0)), feed(f(3)), feed(i64(1))], {})).toThrow(/one type/);
  });

  it('refuses float16 before opset 27', () => {
    const h = new Tensor(DataType.FLOAT16, [], Uint16Array.from([0x3c00]));
    expect(() => runOp1(Range, [feed(h), feed(h), feed(h)], {})).toThrow(/float16/);
  });
});
