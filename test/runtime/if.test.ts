/**
 * Models with If on the onnxruntime backends: a plain If (both branches read the enclosing graph) and the dynamic
 * sppAdaptive, whose If takes the block branch at sizes divisible by the levels and the general one elsewhere. Each
 * must load and match the reference evaluator bit for bit (max pooling and these float ops round alike). A backend
 * that cannot run here is skipped with its reason, as in suite.test.ts. On the GPU EPs, onnxruntime may place the
 * If and its small int64 condition on the CPU: the session's provider text says when it does.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sppAdaptive } from '../../src/blocks/spp-adaptive.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor, tensorFromNumbers } from '../../src/ir/tensor.js';
import type { BackendName } from '../../src/runtime/backend.js';
import { getBackend, listBackends } from '../../src/runtime/node/backends.js';
import { closeWebHost } from '../../src/runtime/node/web-browser.js';
import { evaluate } from '../../src/runtime/reference.js';
import { expectIdentical, patternInput } from './models.js';

const statuses = new Map((await listBackends()).map(({ name, availability }) => [name, availability] as const));

afterAll(closeWebHost);

/** y = If(c, then: relu(x) + x, else: -x) on x float[1, 2, H, W]. */
function plainIf(): Model {
  const b = new GraphBuilder({ name: 'plain_if', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 2, 'H', 'W']);
  const c = b.input('c', DataType.BOOL, []);
  const [y] = b.if(
    c,
    (t) => [t.add(t.relu(x), x)],
    (e) => [e.neg(x)],
    { name: 'pick' },
  );
  if (y === undefined) throw new Error('no If output');
  b.output(y, 'y');
  return b.build();
}

/** sppAdaptive max with symbolic H and W (an If on divisibility by the levels' multiple). */
function dynamicSpp(levels: readonly number[]): Model {
  const b = new GraphBuilder({ name: 'spp_if', opset: 17 });
  const x = b.input('x', DataType.FLOAT, [1, 3, 'H', 'W']);
  b.output(sppAdaptive(b, x, { levels, pool: 'max' }), 'y');
  return b.build();
}

const BACKENDS: readonly BackendName[] = ['ort-cpu', 'web-wasm', 'ort-webgpu'];

for (const name of BACKENDS) {
  const availability = statuses.get(name) ?? { available: false, reason: 'not listed by listBackends()' };
  if (!availability.available) console.warn(`SKIP ${name} (If models): ${availability.reason}`);

  describe.skipIf(!availability.available)(`${name}: models with If`, () => {
    const backend = getBackend(name);

    it('runs a plain If both ways exactly as the reference', async () => {
      const model = plainIf();
      const session = await backend.load(model);
      // A float-only If runs wholly on the backend's EP (strict placement for the GPU ones).
      if (name === 'ort-webgpu') expect(session.provider).toMatch(/no CPU fallback/);
      try {
        for (const c of [1, 0]) {
          const feeds = new Map([
            ['x', patternInput(2, 5, 3)],
            ['c', tensorFromNumbers(DataType.BOOL, [], [c])],
          ]);
          expectIdentical(await session.run(feeds), evaluate(model, feeds));
        }
      } finally {
        await session.dispose();
      }
    });

    it.each([[[4, 2, 1]], [[6, 3, 2, 1]]])(
      'runs dynamic sppAdaptive max (levels %j) on both branches exactly as the reference',
      async (levels) => {
        const model = dynamicSpp(levels);
        expect(model.graph.nodes.some((node) => node.opType === 'If')).toBe(true);
        const session = await backend.load(model);
        // On WebGPU, the If's int64 condition (Shape, Mod, ...) may run on the CPU EP: the provider text says so.
        if (name === 'ort-webgpu') expect(session.provider).toMatch(/no CPU fallback|on the CPU EP/);
        try {
          // 12x12 and 24x24 take the block branch (multiples of 4 and of 6); 13x13, 12x18 (4,2,1) and 7x5 the other.
          for (const [h, w] of [
            [12, 12],
            [24, 24],
            [13, 13],
            [12, 18],
            [7, 5],
          ] as const) {
            const feeds = new Map<string, Tensor>([['x', patternInput(3, h, w, -0.5)]]);
            expectIdentical(await session.run(feeds), evaluate(model, feeds));
          }
        } finally {
          await session.dispose();
        }
      },
    );
  });
}
