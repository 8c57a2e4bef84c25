/**
 * The one runtime suite, run on every backend of BACKEND_NAMES (tfjs-core's habit): the same models, inputs and
 * assertions against the reference evaluator. A backend that cannot run here is skipped with its own reason (printed
 * as a `SKIP` line) and is only checked to refuse loads with that reason. What legitimately differs between backends
 * is in profiles.ts; backend-specific behaviour (session options, drivers, placement) is in ort-node.test.ts and
 * test/web/web-webgpu.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType, dtypeName } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import {
  BACKEND_NAMES,
  BackendError,
  BackendUnavailableError,
  type Backend,
  type Session,
} from '../../src/runtime/backend.js';
import { compareTensors } from '../../src/runtime/compare.js';
import { getBackend, listBackends } from '../../src/runtime/node/backends.js';
import { closeWebHost } from '../../src/runtime/node/web-browser.js';
import { evaluate, InputError } from '../../src/runtime/reference.js';
import { expectIdentical, patternInput, pyramidInput, pyramidModel, sppAdaptiveModel, sppfModel } from './models.js';
import { PROFILES } from './profiles.js';

const statuses = new Map((await listBackends()).map(({ name, availability }) => [name, availability] as const));

afterAll(closeWebHost);

/** Loads `model` on `backend`, hands the session to `use`, and disposes it whatever happens. */
async function withSession(backend: Backend, model: Model, use: (session: Session) => Promise<void>): Promise<void> {
  const session = await backend.load(model);
  try {
    await use(session);
  } finally {
    await session.dispose();
  }
}

for (const name of BACKEND_NAMES) {
  const availability = statuses.get(name) ?? { available: false, reason: 'not listed by listBackends()' };
  const profile = PROFILES[name];
  const backend = getBackend(name);
  if (!availability.available) console.warn(`SKIP ${name}: ${availability.reason}`);

  describe.runIf(!availability.available)(`${name} where it cannot run`, () => {
    it('refuses to load, with its reason, instead of running elsewhere', async () => {
      const attempt = backend.load(pyramidModel());
      await expect(attempt).rejects.toThrow(BackendUnavailableError);
      await expect(attempt).rejects.toThrow(new RegExp(`^${name}: unavailable: `));
    });
  });

  describe.skipIf(!availability.available)(name, () => {
    it('says what it is', () => {
      expect(availability.available && availability.detail).toMatch(profile.detail);
    });

    it('runs the MaxPool pyramid (ceil_mode, asymmetric pads, chained pools) exactly as the reference', async () => {
      const model = pyramidModel();
      await withSession(backend, model, async (session) => {
        expect(session.provider).toMatch(profile.provider);
        // -100: every value negative, so padding never wins; -3e5: every value below -1e5, where onnxruntime-web's
        // JSEP MaxPool (whose max starts from -1e5) would return -1e5.
        for (const offset of [0, -100, -3e5]) {
          const feeds = new Map([['x', pyramidInput(7, 6, DataType.FLOAT, offset)]]);
          expectIdentical(await session.run(feeds), evaluate(model, feeds));
        }
      });
    });

    it('runs the pyramid with symbolic H and W at two sizes', async () => {
      const model = pyramidModel('H', 'W');
      await withSession(backend, model, async (session) => {
        for (const [h, w] of [
          [7, 6],
          [9, 13],
        ] as const) {
          const feeds = new Map([['x', pyramidInput(h, w)]]);
          expectIdentical(await session.run(feeds), evaluate(model, feeds));
        }
      });
    });

    for (const dtype of profile.exactDtypes) {
      it(`runs the pyramid in ${dtypeName(dtype)} identically to the reference`, async () => {
        const model = pyramidModel(7, 6, dtype);
        await withSession(backend, model, async (session) => {
          const feeds = new Map([['x', pyramidInput(7, 6, dtype)]]);
          expectIdentical(await session.run(feeds), evaluate(model, feeds));
        });
      });
    }

    it('runs static sppAdaptive max (Slice+ReduceMax, MaxPool, GlobalMaxPool) exactly as the reference', async () => {
      const model = sppAdaptiveModel('max', 13, 11);
      await withSession(backend, model, async (session) => {
        const feeds = new Map([['x', patternInput(3, 13, 11)]]);
        expectIdentical(await session.run(feeds), evaluate(model, feeds));
      });
    });

    it('runs sppAdaptive max with symbolic H and W at several sizes identically to the reference', async () => {
      const model = sppAdaptiveModel('max', 'H', 'W');
      await withSession(backend, model, async (session) => {
        for (const [h, w] of [
          [13, 11],
          [8, 8],
          [5, 7],
          [6, 9],
        ] as const) {
          const feeds = new Map([['x', patternInput(3, h, w)]]);
          expectIdentical(await session.run(feeds), evaluate(model, feeds));
        }
      });
    });

    it('runs sppAdaptive avg and SPPF (Conv, Sigmoid) within float tolerance of the reference', async () => {
      for (const [model, input] of [
        [sppAdaptiveModel('avg', 13, 11), patternInput(3, 13, 11)],
        [sppfModel(), patternInput(4, 8, 8)],
      ] as const) {
        const feeds = new Map([['x', input]]);
        await withSession(backend, model, async (session) => {
          const got = await session.run(feeds);
          for (const [output, want] of evaluate(model, feeds)) {
            const actual = got.get(output);
            expect(actual, output).toBeDefined();
            if (actual === undefined) continue;
            const comparison = compareTensors(actual, want, { atol: profile.tolerance, rtol: profile.tolerance });
            expect(comparison.ok, `${model.graph.name} ${output}: ${comparison.message}`).toBe(true);
          }
        });
      }
    });

    it('names the model inputs when a feed is unknown or missing', async () => {
      await withSession(backend, pyramidModel(), async (session) => {
        const both = new Map([
          ['x', pyramidInput()],
          ['z', pyramidInput()],
        ]);
        await expect(session.run(both)).rejects.toThrow(profile.onnxruntime ? BackendError : InputError);
        await expect(session.run(both)).rejects.toThrow(/'z' is not an input of the model \(its inputs: x\)/);
        const missing = profile.onnxruntime ? new RegExp(`^${name}: missing input\\(s\\) 'x'`) : /missing input 'x'/;
        await expect(session.run(new Map())).rejects.toThrow(missing);
      });
    });

    it('rejects a feed of the wrong shape, in the runtime’s own words', async () => {
      await withSession(backend, pyramidModel(), async (session) => {
        const wrong = new Map([['x', pyramidInput(5, 5)]]);
        if (profile.onnxruntime) {
          await expect(session.run(wrong)).rejects.toThrow(BackendError);
          await expect(session.run(wrong)).rejects.toThrow(
            new RegExp(`^${name}: run failed: .*invalid dimensions`, 'i'),
          );
        } else {
          await expect(session.run(wrong)).rejects.toThrow(/input 'x' has shape \[1, 2, 5, 5\]/);
        }
      });
    });

    describe.runIf(profile.onnxruntime)('bfloat16, which onnxruntime’s JS API cannot carry', () => {
      it('refuses a bfloat16 model input up front, naming the value', async () => {
        const b = new GraphBuilder({ name: 'bf16', opset: 17 });
        b.output(b.input('x', DataType.BFLOAT16, [2]), 'y');
        const attempt = backend.load(b.build());
        await expect(attempt).rejects.toThrow(UnsupportedError);
        await expect(attempt).rejects.toThrow(
          new RegExp(`^${name}: model input 'x': onnxruntime-node has no tensor type for bfloat16`),
        );
      });

      it('refuses a bfloat16 feed to a session', async () => {
        await withSession(backend, pyramidModel(), async (session) => {
          const feed = new Tensor(DataType.BFLOAT16, [2], Uint16Array.from([0x3f80, 0]));
          await expect(session.run(new Map([['x', feed]]))).rejects.toThrow(UnsupportedError);
        });
      });
    });
  });
}
