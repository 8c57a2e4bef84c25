/**
 * Run by conv-bits.test.ts as `node --no-expose-wasm --import tsx test/ops/conv-bits-fallback.ts`: computes every
 * case of conv-bits-cases.ts without WebAssembly (the JS twins of the kernels) and prints, as JSON, which kernels
 * ran and each output's element bytes (base64).
 */
import { gemmKernels } from '../../src/ops/shared/gemm-kernels.js';
import { BITS_CASES } from './conv-bits-cases.js';

const outputs = BITS_CASES.map((c) => {
  const data = c.run().data;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new Error(`${c.name}: not a float output`);
  return { name: c.name, bytes: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
});
process.stdout.write(JSON.stringify({ kernels: gemmKernels().kind, outputs }));
