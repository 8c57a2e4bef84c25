/**
 * The float activations and unary math ops of batch A (Tanh, Erf, Gelu, Sqrt, Neg, Reciprocal, Log, Softplus,
 * Mish, Elu, Selu, PRelu, HardSigmoid, HardSwish, Sin, Cos): hand-derived values, the edge cases the conformance
 * data does not cover (NaN, ±inf, ±0, overflow, integer wrap-around, version-dependent types) and symbolic
 * shape inference. Expected values are the functions' textbook values (erf(1) = 0.8427007929497149,
 * Φ(1) = 0.8413447460685429, ...), rounded to float32 where the input is float32.
 */
import { describe, expect, it } from 'vitest';
import { DataType, halfToNumber } from '../../src/ir/dtype.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import { Cos } from '../../src/ops/cos.js';
import { Elu } from '../../src/ops/elu.js';
import { Erf } from '../../src/ops/erf.js';
import { Gelu } from '../../src/ops/gelu.js';
import { HardSigmoid } from '../../src/ops/hard-sigmoid.js';
import { HardSwish } from '../../src/ops/hard-swish.js';
import { Log } from '../../src/ops/log.js';
import { Mish } from '../../src/ops/mish.js';
import { Neg } from '../../src/ops/neg.js';
import { PRelu } from '../../src/ops/p-relu.js';
import { Reciprocal } from '../../src/ops/reciprocal.js';
import { Selu } from '../../src/ops/selu.js';
import { Sin } from '../../src/ops/sin.js';
import { Softplus } from '../../src/ops/softplus.js';
import { Sqrt } from '../../src/ops/sqrt.js';
import { Tanh } from '../../src/ops/tanh.js';
import { feed, inferShape, runOp1, runRaw, values } from './run-op.js';

const f32 = (v: readonly number[]): Tensor => Tensor.float32([v.length], v);
const f64 = (v: readonly number[]): Tensor => new Tensor(DataType.DOUBLE, [v.length], Float64Array.from(v));
const run = (op: Parameters<typeof runOp1>[0], x: Tensor): number[] => values(runOp1(op, [feed(x)], {}));

describe('Tanh / Sqrt / Log / Reciprocal', () => {
  it('follow IEEE edge cases: NaN, ±inf, ±0 and negative arguments', () => {
    expect(run(Tanh, f32([0, 1000, -1000, NaN]))).toEqual([0, 1, -1, NaN]);
    expect(run(Sqrt, f32([4, 0, -1, Infinity]))).toEqual([2, 0, NaN, Infinity]);
    expect(run(Log, f32([1, 0, -1, Infinity]))).toEqual([0, -Infinity, NaN, Infinity]);
    expect(run(Reciprocal, f32([2, 0, -0, -4]))).toEqual([0.5, Infinity, -Infinity, -0.25]);
  });

  it('round float16 once (sqrt(2) = 1.4140625 in float16) and keep symbolic shapes', () => {
    const y = runOp1(Sqrt, [feed(tensorFromNumbers(DataType.FLOAT16, [1], [2]))], {});
    expect(halfToNumber((y.data as Uint16Array)[0] ?? 0)).toBe(1.4140625);
    expect(inferShape(Tanh, [{ dtype: DataType.FLOAT, shape: ['N', 3, 'H', 'W'] }], {})).toEqual(['N', '3', 'H', 'W']);
  });
});

describe('Erf', () => {
  it('matches erf at known points and saturates to ±1', () => {
    const y = run(Erf, f64([0, 1, -0.5, 3, -Infinity]));
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(0.8427007929497149, 15);
    expect(y[2]).toBeCloseTo(-0.5204998778130465, 15);
    expect(y[3]).toBeCloseTo(0.9999779095030014, 15);
    expect(y[4]).toBe(-1);
  });

  it('truncates integer results toward zero (erf(x).astype(int)): 0 below |x| = 6, ±1 from there', () => {
    const ints = new Tensor(DataType.INT32, [5], Int32Array.from([-7, -1, 0, 3, 6]));
    expect(run(Erf, ints)).toEqual([-1, 0, 0, 0, 1]);
    expect(run(Erf, Tensor.int64([2], [-100, 100]))).toEqual([-1, 1]);
  });

  it('does not exist before opset 9', () => {
    expect(() => runRaw('Erf', 8, [f32([1])])).toThrow(/Erf does not exist at opset 8/);
  });
});

describe('Gelu', () => {
  it('computes 0.5 x (1 + erf(x / sqrt 2)) by default, the tanh form on request', () => {
    const x = f64([0, 1, -1]);
    const exact = values(runOp1(Gelu, [feed(x)], {}, { opset: 20 }));
    expect(exact[0]).toBe(0);
    expect(exact[1]).toBeCloseTo(0.8413447460685429, 14); // Φ(1)
    expect(exact[2]).toBeCloseTo(-0.15865525393145707, 14); // -(1 - Φ(1))
    const tanh = values(runOp1(Gelu, [feed(x)], { approximate: 'tanh' }, { opset: 20 }));
    expect(tanh[1]).toBeCloseTo(0.8411919906082768, 14);
  });

  it('refuses an unknown approximation, naming the attribute and the allowed values', () => {
    expect(() => runOp1(Gelu, [feed(f32([1]))], { approximate: 'erf' as 'none' }, { opset: 20 })).toThrow(
      /approximate.*none, tanh/,
    );
  });
});

describe('Neg', () => {
  it('wraps the most negative integer to itself, like C', () => {
    expect(run(Neg, new Tensor(DataType.INT8, [3], Int8Array.from([-128, 5, 0])))).toEqual([-128, -5, 0]);
    const min = -(2n ** 63n);
    const y = runOp1(Neg, [feed(new Tensor(DataType.INT64, [2], BigInt64Array.from([min, 7n])))], {});
    expect(Array.from(y.data as BigInt64Array)).toEqual([min, -7n]);
  });

  it('refuses unsigned integers, and integers before opset 6', () => {
    const u8 = new Tensor(DataType.UINT8, [1], Uint8Array.from([1]));
    expect(() => runOp1(Neg, [feed(u8)], {})).toThrow(/Neg node .*uint8/);
    expect(() => runRaw('Neg', 1, [new Tensor(DataType.INT32, [1], Int32Array.from([1]))])).toThrow(/int32/);
  });
});

describe('Softplus / Mish', () => {
  it('compute ln(1 + e^x) without overflow and x tanh(softplus x)', () => {
    expect(run(Softplus, f64([0, 1000, -1000]))).toEqual([Math.LN2, 1000, 0]);
    expect(values(runOp1(Mish, [feed(f32([0, 1]))], {}, { opset: 18 }))).toEqual([0, Math.fround(0.8650983882673103)]);
  });
});

describe('Elu / Selu / HardSigmoid / HardSwish', () => {
  it('Elu is alpha (e^x - 1) below 0 and x above', () => {
    expect(run(Elu, f64([-1, 0, 2]))).toEqual([Math.expm1(-1), 0, 2]);
    expect(values(runOp1(Elu, [feed(f64([-1]))], { alpha: 2 }))[0]).toBeCloseTo(-1.2642411176571153, 15);
  });

  it('Selu uses the float32 self-normalising constants by default', () => {
    const y = run(Selu, f32([1, -1, 0]));
    expect(y[0]).toBe(Math.fround(1.0507009873554805));
    expect(y[1]).toBeCloseTo(-1.1113307, 6);
    expect(y[2]).toBe(0);
  });

  it('HardSigmoid clamps alpha x + beta to [0, 1] and keeps NaN', () => {
    expect(run(HardSigmoid, f32([-3, 0, 1, 3, NaN]))).toEqual([0, 0.5, Math.fround(0.7), 1, NaN]);
  });

  it('HardSwish is x times the hard sigmoid with 1/6 and 0.5', () => {
    expect(run(HardSwish, f32([-4, 0, 1.5, 3, 4]))).toEqual([-0, 0, 1.125, 3, 4]);
  });

  it('accept bfloat16 only from opset 22', () => {
    const b = tensorFromNumbers(DataType.BFLOAT16, [1], [-1]);
    expect(() => runRaw('Elu', 21, [b])).toThrow(/bfloat16.*from opset 22/);
    expect(values(runRaw('HardSwish', 22, [b])[0] ?? b)).toEqual([-0.333984375]);
  });
});

describe('Sin / Cos', () => {
  it('take radians', () => {
    expect(run(Cos, f32([0, Math.PI]))).toEqual([1, -1]);
    expect(run(Sin, f64([0, Math.PI / 2]))).toEqual([0, 1]);
  });
});

describe('PRelu', () => {
  it('scales negatives by a slope broadcast along the channels', () => {
    const x = Tensor.float32([1, 2, 1, 2], [-1, 2, -3, 4]);
    const slope = Tensor.float32([2, 1, 1], [0.5, 2]);
    expect(values(runOp1(PRelu, [feed(x), feed(slope)], {}))).toEqual([-0.5, 2, -6, 4]);
  });

  it('computes int32 from opset 9, wrapping products like C', () => {
    const x = new Tensor(DataType.INT32, [2], Int32Array.from([-(2 ** 30), 5]));
    const slope = new Tensor(DataType.INT32, [1], Int32Array.from([4]));
    expect(values(runOp1(PRelu, [feed(x), feed(slope)], {}))).toEqual([0, 5]); // -2^32 wraps to 0
    expect(() => runRaw('PRelu', 8, [x, slope])).toThrow(/int32/);
  });

  it('infers X shape with symbolic dims, and refuses a slope that would grow X, naming both shapes', () => {
    expect(
      inferShape(
        PRelu,
        [
          { dtype: DataType.FLOAT, shape: ['N', 3, 'H', 'W'] },
          { dtype: DataType.FLOAT, shape: [3, 1, 1] },
        ],
        {},
      ),
    ).toEqual(['N', '3', 'H', 'W']);
    expect(() => runOp1(PRelu, [feed(f32([1, 2, 3])), feed(Tensor.float32([2, 3], [1, 1, 1, 1, 1, 1]))], {})).toThrow(
      /PRelu node .*slope \[2, 3\] must broadcast to X \[3\]/,
    );
  });

  it('shares a one-element slope before opset 7, whatever its rank', () => {
    const x = Tensor.float32([2], [-2, 2]);
    const [y] = runRaw('PRelu', 6, [x, Tensor.float32([1, 1, 1], [0.25])]);
    expect(y?.dims).toEqual([2]);
    expect(values(y ?? x)).toEqual([-0.5, 2]);
  });
});
