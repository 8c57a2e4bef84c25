/**
 * Every pooling configuration runs on every backend: the max-pool and avg-pool blocks over a sweep of kernel,
 * stride, padding, dilation, ceil mode and count_include_pad, at two input sizes, each as one model with one output
 * per configuration (one session per backend and size). Expected values come from a brute-force implementation of
 * the ONNX definition written here: window i of an axis covers input positions `i·s − pad_begin + j·d` for
 * j < k; a max ignores padded positions; an average divides by the number of real positions, or (count_include_pad)
 * by the positions inside the padded extent `[−pad_begin, a + pad_end)`; the output count is
 * `floor|ceil((a + pads − span) / s) + 1`, and in ceil mode a last window that starts in the end padding is dropped.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { avgPool, maxPool } from '../../src/blocks/pooling-layers.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { SppkitError } from '../../src/ir/errors.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import { BACKEND_NAMES } from '../../src/runtime/backend.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { getBackend, listBackends } from '../../src/runtime/node/backends.js';
import { closeWebHost } from '../../src/runtime/node/web-browser.js';

interface PoolCase {
  readonly name: string;
  readonly pool: 'max' | 'avg';
  readonly kernel: number;
  readonly stride: number;
  readonly pad: number;
  readonly dilation: number;
  readonly ceil: boolean;
  readonly countIncludePad: boolean;
}

function sweep(): PoolCase[] {
  const cases: PoolCase[] = [];
  for (const kernel of [1, 2, 3, 4, 5])
    for (const stride of [1, 2, 3])
      for (let pad = 0; pad <= Math.min(kernel - 1, 2); pad += 1)
        for (const ceil of [false, true]) {
          for (const dilation of kernel <= 3 ? [1, 2] : [1]) {
            const name = `max_k${kernel}_s${stride}_p${pad}_d${dilation}_${ceil ? 'ceil' : 'floor'}`;
            cases.push({ name, pool: 'max', kernel, stride, pad, dilation, ceil, countIncludePad: false });
          }
          for (const countIncludePad of [false, true]) {
            const name = `avg_k${kernel}_s${stride}_p${pad}_${ceil ? 'ceil' : 'floor'}_cip${countIncludePad ? 1 : 0}`;
            cases.push({ name, pool: 'avg', kernel, stride, pad, dilation: 1, ceil, countIncludePad });
          }
        }
  return cases;
}

/** The windows of one axis per the ONNX definition: for each output, the input positions it covers. */
function axisWindows(size: number, c: PoolCase): { taps: number[]; extent: number }[] {
  const span = c.dilation * (c.kernel - 1) + 1;
  const total = size + 2 * c.pad - span;
  let count = (c.ceil ? Math.ceil(total / c.stride) : Math.floor(total / c.stride)) + 1;
  if (c.ceil && (count - 1) * c.stride >= size + c.pad) count -= 1;
  return Array.from({ length: count }, (_, i) => {
    const start = i * c.stride - c.pad;
    const positions = Array.from({ length: c.kernel }, (_, j) => start + j * c.dilation);
    const inPadded = positions.filter((p) => p >= -c.pad && p < size + c.pad).length;
    return { taps: positions.filter((p) => p >= 0 && p < size), extent: inPadded };
  });
}

function bruteForce(x: Tensor, c: PoolCase): Tensor {
  const [n = 1, ch = 1, h = 1, w = 1] = x.dims;
  const rows = axisWindows(h, c);
  const cols = axisWindows(w, c);
  const out: number[] = [];
  for (let plane = 0; plane < n * ch; plane += 1)
    for (const row of rows)
      for (const col of cols) {
        const values = row.taps.flatMap((r) => col.taps.map((q) => x.numberAt(plane * h * w + r * w + q)));
        if (c.pool === 'max') out.push(Math.max(...values));
        else {
          const sum = values.reduce((a, b) => a + b, 0);
          out.push(sum / (c.countIncludePad ? row.extent * col.extent : values.length));
        }
      }
  return Tensor.float32([n, ch, rows.length, cols.length], out);
}

function sweepModel(h: number, w: number): { model: Model; built: PoolCase[]; refused: string[] } {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 2, h, w]);
  const built: PoolCase[] = [];
  const refused: string[] = [];
  for (const c of sweep()) {
    const window = { kernel: c.kernel, stride: c.stride, pad: c.pad, ceilMode: c.ceil };
    try {
      const y =
        c.pool === 'max'
          ? maxPool(b, x, { ...window, dilation: c.dilation })
          : avgPool(b, x, { ...window, countIncludePad: c.countIncludePad });
      b.output(y, c.name);
      built.push(c);
    } catch (error) {
      if (!(error instanceof SppkitError)) throw error;
      refused.push(`${c.name}: ${error.message}`);
    }
  }
  return { model: b.build(), built, refused };
}

const statuses = new Map((await listBackends()).map(({ name, availability }) => [name, availability] as const));
afterAll(closeWebHost);

for (const [h, w] of [
  [7, 7],
  [8, 5],
] as const) {
  describe(`pooling sweep at ${h}×${w}`, () => {
    const { model, built, refused } = sweepModel(h, w);
    const x = Tensor.float32(
      [1, 2, h, w],
      Array.from({ length: 2 * h * w }, (_, i) => ((i * 37) % 23) - 11.5),
    );
    const want = new Map(built.map((c) => [c.name, bruteForce(x, c)] as const));

    it('builds every configuration whose windows fit the input (the others are refused with a reason)', () => {
      for (const reason of refused) expect(reason).toMatch(/kernel|pad|window|output/);
      expect(built.length).toBeGreaterThan(150);
    });

    for (const name of BACKEND_NAMES) {
      const availability = statuses.get(name);
      // Chromium's WebGPU on a software adapter takes a minute per session here: one size is enough for it.
      const slow = name === 'web-webgpu' && h === 7;
      it.skipIf(availability?.available !== true || slow)(
        `${name} loads the model and matches the definition`,
        async () => {
          const session = await getBackend(name).load(model);
          try {
            const results = await session.run(new Map([['x', x]]));
            const problems = built.flatMap((c) => {
              const got = results.get(c.name);
              const expected = want.get(c.name);
              if (got === undefined || expected === undefined) return [`${c.name}: no output`];
              const tolerance = c.pool === 'max' ? { atol: 0, rtol: 0 } : { atol: 1e-5, rtol: 1e-5 };
              const comparison = compareTensors(got, expected, tolerance);
              return comparison.ok ? [] : [`${c.name}: ${comparison.message}`];
            });
            expect(problems).toEqual([]);
          } finally {
            await session.dispose();
          }
        },
        300_000,
      );
    }
  });
}
