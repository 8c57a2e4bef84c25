import * as ort from 'onnxruntime-node';
import { readFileSync } from 'fs';
const bytes = readFileSync('/tmp/scratch/mp.onnx');
const eps = JSON.parse(process.argv[2] ?? '["webgpu"]');
try {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: eps, extra: { session: { disable_cpu_ep_fallback: '1' } }, enableProfiling: process.argv[3] === 'prof', profileFilePrefix: '/tmp/scratch/prof' });
  const r = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1,2,3,4,5,6,7,8,9]), [1,1,3,3]) });
  console.log('OK', Array.from(r.y.data));
  if (process.argv[3] === 'prof') s.endProfiling();
  await s.release();
} catch (e) { console.log('ERR', e.message); }
