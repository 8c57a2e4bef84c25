import { describe, expect, it } from 'vitest';
import { prng } from '../../src/blocks/weights.js';
import { resolveWindows } from '../../src/ops/shared/pool-geometry.js';
import { reduceWindows } from '../../src/ops/shared/pool-reduce.js';
import { axisTaps } from '../../src/ops/shared/pool-geometry.js';
import { wasmMaxPool2d } from '../../src/ops/shared/wasm-max-pool.js';

const fail = (detail: string): never => {
  throw new Error(detail);
};

/** The generic tap-list reduction (one axis at a time), an independent path through the same geometry. */
function generic(data: Float32Array, dims: number[], axes: ReturnType<typeof resolveWindows>): Float32Array {
  let current = { data: data as Float32Array | Float64Array, dims };
  axes.forEach((axis, i) => {
    current = reduceWindows(current.data, current.dims, i + 2, axisTaps(axis), { kind: 'max' });
  });
  return current.data as Float32Array;
}

describe('WebAssembly SIMD max pooling', () => {
  it('pools a hand-computed 4×4 with k2 s2 (max of each 2×2 block)', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const axes = resolveWindows(
      [4, 4],
      { autoPad: 'NOTSET', kernelShape: [2, 2], strides: [2, 2], pads: undefined, dilations: undefined, ceilMode: 0 },
      fail,
    );
    const y = wasmMaxPool2d(x, [1, 1, 4, 4], axes);
    expect(y?.dims).toEqual([1, 1, 2, 2]);
    expect(Array.from(y?.data ?? [])).toEqual([6, 8, 14, 16]);
  });

  it('agrees bit for bit with the generic kernel over kernels, strides, pads, ceil mode and tiny or odd sizes', () => {
    const random = prng(7);
    let cases = 0;
    for (const [h, w] of [
      [1, 1],
      [2, 3],
      [5, 5],
      [7, 11],
      [13, 13],
      [20, 17],
      [40, 40],
    ] as const) {
      for (const k of [1, 2, 3, 5, 9, 13]) {
        for (const s of [1, 2, 3]) {
          for (const pad of [0, 1, Math.floor(k / 2)]) {
            for (const ceilMode of [0, 1]) {
              if (pad >= k) continue;
              let axes;
              try {
                axes = resolveWindows(
                  [h, w],
                  {
                    autoPad: 'NOTSET',
                    kernelShape: [k, k],
                    strides: [s, s],
                    pads: [pad, pad, pad, pad],
                    dilations: undefined,
                    ceilMode,
                  },
                  fail,
                );
              } catch {
                continue; // the window does not fit
              }
              const dims = [2, 3, h, w];
              const x = Float32Array.from({ length: 6 * h * w }, () => (random() * 2 - 1) * 100);
              const got = wasmMaxPool2d(x, dims, axes);
              expect(got, `k${k} s${s} p${pad} ceil${ceilMode} ${h}x${w}`).toBeDefined();
              expect(Array.from(got?.data ?? []), `k${k} s${s} p${pad} ceil${ceilMode} ${h}x${w}`).toEqual(
                Array.from(generic(x, dims, axes)),
              );
              cases += 1;
            }
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(300);
  });

  it('declines dilated windows and other ranks (the JS kernels take them)', () => {
    const dilated = resolveWindows(
      [9, 9],
      { autoPad: 'NOTSET', kernelShape: [3, 3], strides: [1, 1], pads: undefined, dilations: [2, 2], ceilMode: 0 },
      fail,
    );
    expect(wasmMaxPool2d(new Float32Array(81), [1, 1, 9, 9], dilated)).toBeUndefined();
    const oneD = resolveWindows(
      [9],
      { autoPad: 'NOTSET', kernelShape: [3], strides: [1], pads: undefined, dilations: undefined, ceilMode: 0 },
      fail,
    );
    expect(wasmMaxPool2d(new Float32Array(9), [1, 1, 9], oneD)).toBeUndefined();
  });
});
