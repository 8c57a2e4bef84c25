import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType, dtypeName } from '../../src/ir/dtype.js';
import { UnsupportedError } from '../../src/ir/errors.js';
import { Tensor } from '../../src/ir/tensor.js';
import { getBackend } from '../../src/runtime/backends.js';
import { BackendError, createOrtCpuBackend } from '../../src/runtime/ort-node.js';
import { evaluate } from '../../src/runtime/reference.js';
import { pyramidInput, pyramidModel } from './models.js';
import { expectIdentical } from './models.js';

const backend = createOrtCpuBackend();

describe('ort-cpu', () => {
  it('is available and says it runs on the CPU EP', async () => {
    const availability = await getBackend('ort-cpu').availability();
    expect(availability).toMatchObject({ available: true });
    expect(availability.available && availability.detail).toMatch(/onnxruntime-node 1\.30\.\d+, CPUExecutionProvider/);
  });

  it('runs a MaxPool pyramid bit-identically to the reference', async () => {
    const model = pyramidModel();
    const feeds = new Map([['x', pyramidInput()]]);
    const session = await backend.load(model);
    expect(session.provider).toMatch(/^onnxruntime-node 1\.30\.\d+, CPUExecutionProvider, graph optimization all$/);
    expectIdentical(await session.run(feeds), evaluate(model, feeds));
    await session.dispose();
  });

  it('agrees with the reference when every value is negative (padding never wins)', async () => {
    const model = pyramidModel();
    const feeds = new Map([['x', pyramidInput(7, 6, DataType.FLOAT, -100)]]);
    const session = await backend.load(model);
    expectIdentical(await session.run(feeds), evaluate(model, feeds));
    await session.dispose();
  });

  it('runs a model with symbolic H and W at two sizes', async () => {
    const model = pyramidModel('H', 'W');
    const session = await backend.load(model);
    for (const [h, w] of [
      [7, 6],
      [9, 13],
    ] as const) {
      const feeds = new Map([['x', pyramidInput(h, w)]]);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
    }
    await session.dispose();
  });

  for (const dtype of [DataType.DOUBLE, DataType.FLOAT16]) {
    it(`runs the pyramid in ${dtypeName(dtype)} identically to the reference`, async () => {
      const model = pyramidModel(7, 6, dtype);
      const feeds = new Map([['x', pyramidInput(7, 6, dtype)]]);
      const session = await backend.load(model);
      expectIdentical(await session.run(feeds), evaluate(model, feeds));
      await session.dispose();
    });
  }

  it('honours threads and the graph optimization level, and says so', async () => {
    const model = pyramidModel();
    const feeds = new Map([['x', pyramidInput()]]);
    expect(backend.sessionOptions({ threads: 1, graphOptimizationLevel: 'disabled' })).toMatchObject({
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
    const session = await backend.load(model, { threads: 1, graphOptimizationLevel: 'disabled' });
    expect(session.provider).toMatch(/CPUExecutionProvider, graph optimization disabled, 1 intra-op thread\(s\)$/);
    expectIdentical(await session.run(feeds), evaluate(model, feeds));
    await session.dispose();
  });

  it('names the model inputs when a feed is unknown or missing', async () => {
    const session = await backend.load(pyramidModel());
    await expect(session.run(new Map([['z', pyramidInput()]]))).rejects.toThrow(
      /'z' is not an input of the model \(its inputs: x\)/,
    );
    await expect(session.run(new Map())).rejects.toThrow(/missing input\(s\) 'x'/);
    await session.dispose();
  });

  it("passes ORT's own message through when it rejects a feed", async () => {
    const session = await backend.load(pyramidModel());
    const wrong = pyramidInput(5, 5);
    await expect(session.run(new Map([['x', wrong]]))).rejects.toThrow(BackendError);
    await expect(session.run(new Map([['x', wrong]]))).rejects.toThrow(/ort-cpu: run failed: .*invalid dimensions/i);
    await session.dispose();
  });

  it('refuses a bfloat16 model input up front, which onnxruntime-node cannot carry', async () => {
    const b = new GraphBuilder({ opset: 17 });
    b.output(b.input('x', DataType.BFLOAT16, [2]), 'y');
    const attempt = backend.load(b.build());
    await expect(attempt).rejects.toThrow(UnsupportedError);
    await expect(attempt).rejects.toThrow(/ort-cpu: model input 'x': onnxruntime-node has no tensor type for bfloat16/);
  });

  it('refuses a bfloat16 feed to a session', async () => {
    const session = await backend.load(pyramidModel());
    await expect(
      session.run(new Map([['x', new Tensor(DataType.BFLOAT16, [2], Uint16Array.from([0x3f80, 0]))]])),
    ).rejects.toThrow(UnsupportedError);
    await session.dispose();
  });
});
