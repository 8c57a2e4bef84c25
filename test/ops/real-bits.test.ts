import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadModel, readTensorFile } from '../../src/export/io-node.js';
import { evaluate } from '../../src/runtime/reference.js';
import { pin, type PinnedBits } from './conv-bits-cases.js';

const REAL = resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'golden', 'real');
const fixture = JSON.parse(readFileSync(new URL('./fixtures/real-bits.json', import.meta.url), 'utf8')) as {
  readonly cases: readonly { readonly case: string; readonly outputs?: readonly PinnedBits[] }[];
};

describe('reference output bits of the real networks, pinned before the issue-12 speed-up', () => {
  // Only the networks the reference of that commit could run have pinned outputs (SqueezeNet 1.0: the others needed
  // ops it lacked); the rest are held to their float64 oracles by the golden tests of ../shared/golden/real.
  for (const entry of fixture.cases.filter((c) => c.outputs !== undefined)) {
    const dir = join(REAL, entry.case);
    const outputs = entry.outputs;
    it.skipIf(!existsSync(dir))(
      `gives the pinned bits: ${entry.case}`,
      () => {
        const model = loadModel(join(dir, 'model.onnx'), { lazy: false });
        const input = readTensorFile(join(dir, 'test_data_set_0', 'input_0.pb'));
        const results = evaluate(model, new Map([[model.graph.inputs[0]?.name ?? '', input.tensor]]));
        const got: unknown = JSON.parse(JSON.stringify([...results].map(([name, tensor]) => pin(name, tensor))));
        expect(got).toEqual(outputs);
      },
      120_000,
    );
  }
});
