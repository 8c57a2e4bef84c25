/**
 * Run by determinism.test.ts in child processes (with and without `--no-expose-wasm`): builds a few blocks from
 * the CLI catalogue with seeded weights, evaluates each with the reference on seeded inputs, and prints JSON with
 * whether WebAssembly exists here and a SHA-256 of every model's bytes and of every output's bytes.
 */
import { createHash } from 'node:crypto';
import { buildModel } from '../../src/cli/commands/build.js';
import { randomFeeds } from '../../src/cli/validate.js';
import { encodeModel, evaluate, type Tensor } from '../../src/node.js';

/** The blocks built: max pools (the WebAssembly max-pool kernel), 1×1 convs and matmuls (the gemm kernel). */
export const BLOCKS = ['sppf', 'ultralytics-spp', 'spp-adaptive', 'pyramid-pooling', 'non-local', 'max-pool'] as const;

function sha(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function tensorBytes(tensor: Tensor): Uint8Array {
  return tensor.littleEndianBytes();
}

const results: Record<string, { model: string; outputs: string }> = {};
for (const block of BLOCKS) {
  const model = buildModel({
    block,
    inChannels: 8,
    batch: 1,
    height: 13,
    width: 11,
    opset: 17,
    options: {},
    weightsPath: undefined,
    seed: 7,
  });
  const outputs = evaluate(model, randomFeeds(model, 3, new Map()));
  const hash = createHash('sha256');
  for (const [name, tensor] of outputs) hash.update(name).update(tensorBytes(tensor));
  results[block] = { model: sha(encodeModel(model)), outputs: hash.digest('hex') };
}
// Dynamic builds (symbolic H and W): the model bytes only.
for (const block of ['pyramid-pooling', 'spp-adaptive'] as const) {
  const model = buildModel({
    block,
    inChannels: 8,
    batch: 1,
    height: 'H',
    width: 'W',
    opset: 17,
    options: {},
    weightsPath: undefined,
    seed: 7,
  });
  results[`${block} (H×W)`] = { model: sha(encodeModel(model)), outputs: '' };
}
console.log(JSON.stringify({ webAssembly: typeof WebAssembly, results }));
