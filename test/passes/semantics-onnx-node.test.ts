import { describe, expect, it } from 'vitest';
import { haveDir, onnxNodeCases, ONNX_NODE_DIR, ortAvailable, type TestBackend } from './helpers.js';
import { sweepCase } from './sweep.js';

const present = haveDir(ONNX_NODE_DIR, 'passes: onnx-node semantics');
const backends: TestBackend[] = present && (await ortAvailable()) ? ['ref', 'ort-cpu'] : ['ref'];

describe.skipIf(!present)(
  'every pass on every ONNX node test keeps the outputs (or leaves the model unchanged)',
  () => {
    it.each(onnxNodeCases().map((c) => [c.name, c] as const))(
      '%s',
      async (_name, testCase) => {
        const report = await sweepCase(testCase, backends);
        expect(report.failures, report.outcomes.join('\n')).toEqual([]);
      },
      120_000,
    );
  },
);
