import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Softmax } from '../../src/ops/softmax.js';
import { feed, runOp1, runRaw, values } from './run-op.js';

// [[0, ln 3], [ln 2, ln 2]]: row softmax is [1/4, 3/4] and [1/2, 1/2]; column softmax is [1/3, 3/5] / [2/3, 2/5].
const x = Tensor.float32([2, 2], [0, Math.log(3), Math.log(2), Math.log(2)]);
const close = (got: number[], want: number[]): void => got.forEach((v, i) => expect(v).toBeCloseTo(want[i] ?? NaN, 6));

describe('Softmax', () => {
  it('normalises the last axis by default from opset 13', () => {
    close(values(runOp1(Softmax, [feed(x)], {})), [0.25, 0.75, 0.5, 0.5]);
  });

  it('normalises along axis 0 (negative -2) per column from opset 13', () => {
    close(values(runOp1(Softmax, [feed(x)], { axis: -2 })), [1 / 3, 3 / 5, 2 / 3, 2 / 5]);
  });

  it('coerces to 2-D before opset 13: axis 0 normalises over all elements', () => {
    const [y] = runRaw('Softmax', 11, [x], { axis: Attr.int(0) });
    const total = 1 + 3 + 2 + 2;
    close(y === undefined ? [] : values(y), [1 / total, 3 / total, 2 / total, 2 / total]);
  });

  it('is stable for large inputs (subtracts the max)', () => {
    close(values(runOp1(Softmax, [feed(Tensor.float32([2], [1000, 1000]))], {})), [0.5, 0.5]);
  });

  it('refuses an axis outside the rank', () => {
    expect(() => runOp1(Softmax, [feed(x)], { axis: 2 })).toThrow(/axis 2 is out of range for rank 2/);
  });
});
