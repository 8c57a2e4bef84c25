/**
 * Mod (opsets 10, 13): the elementwise remainder `C = A mod B`, with numpy broadcasting; every numeric type,
 * bfloat16 from 13. `fmod = 0` (default, integers only) takes the sign of the divisor, like Python's `%`
 * (`-4 mod 3 = 2`, `4 mod -3 = -2`); `fmod = 1` takes the sign of the dividend, like C's `fmod` (`-4 mod 3 = -1`).
 * Floats require `fmod = 1`, as the spec says. An integer remainder by zero is refused (undefined in the spec).
 * Spec: https://onnx.ai/onnx/operators/onnx__Mod.html
 */
import { DataType, dtypeName, isFloatType, NUMERIC_TYPES } from '../ir/dtype.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { addedAt } from './core/types.js';
import { broadcastShapes } from './shared/broadcast.js';
import { binaryKernel } from './shared/elementwise.js';

/** Refuses `fmod = 0` for a float type. */
function checkFmod(dtype: DataType, fmod: number, fail: (detail: string) => never): void {
  if (isFloatType(dtype) && fmod === 0)
    fail(`fmod must be 1 for floating-point inputs (got fmod = 0 with ${dtypeName(dtype)})`);
}

/** The Mod op: remainder with the divisor's sign (fmod = 0) or the dividend's (fmod = 1). */
export const Mod = defineOp({
  opType: 'Mod',
  domain: '',
  versions: [10, 13],
  inputs: [
    { name: 'A', type: 'T' },
    { name: 'B', type: 'T' },
  ],
  outputs: [{ name: 'C', type: 'T' }],
  attributes: {
    fmod: attr.int('fmod', 0, { check: (v) => (v === 0 || v === 1 ? undefined : `must be 0 or 1, got ${v}`) }),
  },
  types: { T: { types: NUMERIC_TYPES, since: addedAt({ 13: [DataType.BFLOAT16] }) } },
  infer(ctx) {
    const a = requireType(ctx, 0);
    const b = requireType(ctx, 1);
    checkFmod(a.dtype, ctx.attrs.fmod, ctx.fail);
    return [{ dtype: a.dtype, shape: broadcastShapes([a.shape, b.shape], ctx.fail) }];
  },
  run(ctx) {
    const a = requireInput(ctx, 0);
    const b = requireInput(ctx, 1);
    checkFmod(a.dtype, ctx.attrs.fmod, ctx.fail);
    const truncated = ctx.attrs.fmod === 1;
    return [
      binaryKernel(
        a,
        b,
        {
          // JavaScript's % is C's fmod: exact, with the dividend's sign.
          float: (x, y) => x % y,
          int: (x, y, _dtype, fail) => {
            if (y === 0) return fail(`integer remainder by zero (${x} mod 0)`);
            const r = x % y;
            // Python's rule: a non-zero remainder whose sign differs from the divisor's moves by one divisor.
            return truncated || r === 0 || r < 0 === y < 0 ? r : r + y;
          },
          bigint: (x, y, fail) => {
            if (y === 0n) return fail(`integer remainder by zero (${x} mod 0)`);
            const r = x % y;
            return truncated || r === 0n || r < 0n === y < 0n ? r : r + y;
          },
        },
        ctx.fail,
      ),
    ];
  },
});
