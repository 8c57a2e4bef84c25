/**
 * Manual check of the onnxruntime-node backends: prints every backend's availability, runs a small MaxPool
 * pyramid on each available one, compares it with the reference, and (with `--profile`) prints which execution
 * provider ORT assigned each node to, read from ORT's profile.
 *
 *   npx tsx scripts/ort-smoke.ts [--profile]
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json npx tsx scripts/ort-smoke.ts --profile
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import { Tensor } from '../src/ir/tensor.js';
import { MaxPool } from '../src/ops/max-pool.js';
import { encodeModel } from '../src/export/model.js';
import { listBackends } from '../src/runtime/node/backends.js';
import { compareTensors } from '../src/runtime/compare.js';
import { createOrtCudaBackend } from '../src/runtime/node/ort-cuda.js';
import { createOrtCpuBackend, loadOrt, profiledNodes, type OrtBackend } from '../src/runtime/node/ort-node.js';
import { createOrtWebGpuBackend } from '../src/runtime/node/ort-webgpu.js';
import { evaluate } from '../src/runtime/reference.js';

const b = new GraphBuilder({ name: 'smoke', opset: 17 });
const x = b.input('x', DataType.FLOAT, [1, 4, 'H', 'W']);
const same = { kernelShape: [5, 5], pads: [2, 2, 2, 2] };
const y5 = b.op1(MaxPool, [x], same);
const y9 = b.op1(MaxPool, [y5], same);
b.output(y5, 'y5');
b.output(y9, 'y9');
b.output(b.op1(MaxPool, [y9], same), 'y13');
const model = b.build();
const input = Tensor.float32(
  [1, 4, 16, 16],
  Array.from({ length: 4 * 16 * 16 }, (_, i) => Math.sin(i * 0.7) * 10),
);
const feeds = new Map([['x', input]]);
const want = evaluate(model, feeds);

/** Which EP ran each node, from ORT's profile of one run. */
async function nodeProviders(backend: OrtBackend): Promise<string[]> {
  const ort = await loadOrt();
  const dir = mkdtempSync(path.join(tmpdir(), 'sppkit-profile-'));
  try {
    const session = await ort.InferenceSession.create(encodeModel(model), {
      ...backend.sessionOptions(),
      enableProfiling: true,
      profileFilePrefix: path.join(dir, 'p'),
    });
    await session.run({ x: new ort.Tensor('float32', input.data, input.dims) });
    session.endProfiling();
    await session.release();
    const profile: unknown = JSON.parse(readFileSync(path.join(dir, readdirSync(dir)[0] ?? ''), 'utf8'));
    return profiledNodes(profile).map((n) => `${n.opType} '${n.node}' -> ${n.provider}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const { name, availability } of await listBackends()) {
  console.log(
    `${name}: ${availability.available ? `available (${availability.detail})` : `unavailable: ${availability.reason}`}`,
  );
}
const ortBackends: OrtBackend[] = [createOrtCpuBackend(), createOrtCudaBackend(), createOrtWebGpuBackend()];
for (const backend of ortBackends) {
  const name = backend.name;
  if (!(await backend.availability()).available) continue;
  const session = await backend.load(model);
  const started = performance.now();
  const got = await session.run(feeds);
  console.log(`\n${name}: ${session.provider}; run ${(performance.now() - started).toFixed(1)} ms`);
  for (const [output, tensor] of want) {
    const actual = got.get(output);
    console.log(`  ${output}: ${actual === undefined ? 'missing' : compareTensors(actual, tensor).message}`);
  }
  await session.dispose();
  if (process.argv.includes('--profile')) {
    for (const line of await nodeProviders(backend)) console.log(`  node ${line}`);
  }
}
