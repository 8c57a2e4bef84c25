import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { getBackend } from '../../src/runtime/backends.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { BackendError } from '../../src/runtime/ort-node.js';
import { evaluate } from '../../src/runtime/reference.js';
import { pyramidInput, pyramidModel } from '../runtime/models.js';
import { patternInput, sppAdaptiveModel, sppfModel } from './models.js';
import { expectIdentical } from '../runtime/models.js';

const backend = getBackend('web-wasm');
const availability = await backend.availability();
if (!availability.available) console.warn(`web-wasm skipped: ${availability.reason}`);

describe('web-wasm', () => {
  it('says what it is, or why it cannot run', () => {
    if (availability.available)
      expect(availability.detail).toMatch(/^onnxruntime-web 1\.30\.\d+, wasm \(CPU\) EP in Node v\d+/);
    else expect(availability.reason.length).toBeGreaterThan(10);
  });

  describe.runIf(availability.available)('running models', () => {
    it('runs the MaxPool pyramid (ceil_mode, asymmetric pads, chained same pools) identically to the reference', async () => {
      const model = pyramidModel();
      const feeds = new Map([['x', pyramidInput()]]);
      const session = await backend.load(model);
      expect(session.provider).toMatch(/^onnxruntime-web 1\.30\.\d+, wasm \(CPU\) EP in Node/);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
      await session.dispose();
    });

    it('runs sppAdaptive max with symbolic H and W at several sizes identically to the reference', async () => {
      const model = sppAdaptiveModel('max', 'H', 'W');
      const session = await backend.load(model);
      for (const [h, w] of [
        [13, 11],
        [8, 8],
        [5, 7],
      ] as const) {
        const feeds = new Map([['x', patternInput(3, h, w)]]);
        expectIdentical(await session.run(feeds), evaluate(model, feeds));
      }
      await session.dispose();
    });

    it('runs sppAdaptive avg and SPPF within float tolerance of the reference', async () => {
      for (const [model, input] of [
        [sppAdaptiveModel('avg', 13, 11), patternInput(3, 13, 11)],
        [sppfModel(), patternInput(4, 8, 8)],
      ] as const) {
        const feeds = new Map([['x', input]]);
        const session = await backend.load(model);
        const got = await session.run(feeds);
        for (const [name, want] of evaluate(model, feeds)) {
          const actual = got.get(name);
          expect(actual, name).toBeDefined();
          if (actual !== undefined)
            expect(compareTensors(actual, want, { atol: 1e-5, rtol: 1e-5 }).ok, `${model.graph.name} ${name}`).toBe(
              true,
            );
        }
        await session.dispose();
      }
    });

    it('names the input when a feed is missing or unknown', async () => {
      const session = await backend.load(pyramidModel());
      await expect(session.run(new Map())).rejects.toThrow(/web-wasm: missing input\(s\) 'x'/);
      await expect(
        session.run(
          new Map([
            ['x', pyramidInput()],
            ['z', pyramidInput()],
          ]),
        ),
      ).rejects.toThrow(BackendError);
      await session.dispose();
    });

    it('refuses a bfloat16 boundary with the value named', async () => {
      const b = new GraphBuilder({ name: 'bf16', opset: 17 });
      b.output(b.input('x', DataType.BFLOAT16, [2]), 'x');
      await expect(backend.load(b.build())).rejects.toThrow(UnsupportedError);
      await expect(backend.load(b.build())).rejects.toThrow(/web-wasm: model input 'x': .*bfloat16/);
    });
  });
});
