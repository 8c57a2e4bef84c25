/**
 * `npm run bench -- transform`: onnxruntime CPU (1 and 2 threads), original vs transformed, side by side in one
 * process: a PyTorch-style SPP (Conv → SiLU as Sigmoid·Mul → MaxPool 5, 9, 13 in parallel → Concat → Conv
 * → SiLU) against its `spp-to-sppf` and `spp-to-sppf,separable-pool` rewrites.
 *
 * At 512 channels 20×20 the real PyTorch export (torch2_spp_torchscript_opset17_static_512c_20x20.onnx from
 * ../shared/golden/torch-export) is used when present. PyTorch exports exist only at c1=16/64/512, so the
 * 256-channel 80×80 graph is generated here with sppkit's builder in the exact shape the PyTorch exporter emits
 * (same ops, attributes and order; random weights) — said so in the output.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src/export/io-node.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { parsePassList } from '../src/transform/passes/registry.js';
import { runPasses } from '../src/transform/passes/pass.js';
import { Tensor } from '../src/ir/tensor.js';
import type { Value } from '../src/ir/value.js';
import { getBackend } from '../src/runtime/node/backends.js';
import { printTimings, timeVariants, type Variant } from './harness.js';

const EXPORTS = resolve(fileURLToPath(new URL('../', import.meta.url)), '..', 'shared', 'golden', 'torch-export');

/** Deterministic values in [-scale, scale). */
function random(dims: readonly number[], seed: number, scale: number): Tensor {
  let state = seed >>> 0;
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = (state / 2 ** 31 - 1) * scale;
  }
  return new Tensor(DataType.FLOAT, dims, data);
}

/** The graph torch.onnx.export gives for Ultralytics SPP(c1, c2=c1, k=(5, 9, 13)) with BN folded. */
function pytorchLikeSpp(channels: number, size: number): Model {
  const b = new GraphBuilder({ opset: 17, name: 'main_graph' });
  const hidden = channels / 2;
  const x = b.input('x', DataType.FLOAT, [1, channels, size, size]);
  const convSilu = (input: Value, cin: number, cout: number, prefix: string, seed: number): Value => {
    const w = b.constant(`onnx::Conv_${seed}`, random([cout, cin, 1, 1], seed, 1 / Math.sqrt(cin)));
    const bias = b.constant(`onnx::Conv_${seed + 1}`, random([cout], seed + 1, 0.1));
    const conv = b.conv(
      input,
      w,
      bias,
      { dilations: [1, 1], group: 1, kernelShape: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1] },
      { name: `/${prefix}/conv/Conv` },
    );
    return b.mul(conv, b.sigmoid(conv, { name: `/${prefix}/act/Sigmoid` }), { name: `/${prefix}/act/Mul` });
  };
  const y = convSilu(x, channels, hidden, 'cv1', 26);
  const pools = [5, 9, 13].map((k, i) =>
    b.maxPool(
      y,
      { ceilMode: 0, kernelShape: [k, k], pads: [k >> 1, k >> 1, k >> 1, k >> 1], strides: [1, 1] },
      { name: `/m.${i}/MaxPool` },
    ),
  );
  b.output(convSilu(b.concat([y, ...pools], { axis: 1 }, { name: '/Concat' }), 4 * hidden, channels, 'cv2', 29), 'y');
  return b.build();
}

function transformed(source: () => Model, passes: string): Model {
  return runPasses(source(), parsePassList(passes)).model;
}

const ort = getBackend('ort-cpu');
const availability = await ort.availability();
if (!availability.available) {
  console.log(`bench transform: skipped, ort-cpu unavailable: ${availability.reason}`);
} else {
  const exportFile = join(EXPORTS, 'torch2_spp_torchscript_opset17_static_512c_20x20.onnx');
  const configs = [
    {
      channels: 512,
      size: 20,
      source: existsSync(exportFile) ? 'PyTorch 2 export (torchscript, opset 17)' : 'generated PyTorch-like graph',
      load: () => (existsSync(exportFile) ? loadModel(exportFile) : pytorchLikeSpp(512, 20)),
    },
    {
      channels: 256,
      size: 80,
      source: 'generated PyTorch-like graph (sppkit builder)',
      load: () => pytorchLikeSpp(256, 80),
    },
  ];
  const summary: string[] = [];
  for (const config of configs) {
    const feeds = new Map([['x', random([1, config.channels, config.size, config.size], 7, 1)]]);
    const models = [
      { name: 'PyTorch SPP (original)', model: config.load() },
      { name: 'spp-to-sppf', model: transformed(config.load, 'spp-to-sppf') },
      { name: 'spp-to-sppf + separable-pool', model: transformed(config.load, 'spp-to-sppf,separable-pool') },
    ];
    for (const threads of [1, 2]) {
      const variants: Variant[] = [];
      for (const { name, model } of models) variants.push({ name, session: await ort.load(model, { threads }), feeds });
      const timings = await timeVariants(variants, { warmup: 5, minRuns: 20, minMs: 1500 });
      const title = `ort-cpu, ${threads} thread(s), SPP ${config.channels} channels ${config.size}×${config.size}`;
      printTimings(`${title} — ${config.source}`, timings, 'PyTorch SPP (original)');
      const base = timings[0]?.medianMs ?? NaN;
      summary.push(
        `${config.channels}c ${config.size}×${config.size}, ${threads} thread(s): ${timings
          .slice(1)
          .map((t) => `${t.name} ${(base / t.medianMs).toFixed(2)}× faster`)
          .join('; ')}`,
      );
      for (const v of variants) await v.session.dispose();
    }
  }
  console.log(
    '\nspeed-up of the rewrite over the PyTorch export (original median / rewritten median):\n' +
      `  ${summary.join('\n  ')}`,
  );
}
