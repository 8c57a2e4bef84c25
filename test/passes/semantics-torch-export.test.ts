import { describe, expect, it } from 'vitest';
import { haveDir, ortAvailable, torchExportCases, TORCH_EXPORT_DIR, type TestBackend } from './helpers.js';
import { sweepCase } from './sweep.js';

const present = haveDir(TORCH_EXPORT_DIR, 'passes: torch-export semantics');
const backends: TestBackend[] = present && (await ortAvailable()) ? ['ref', 'ort-cpu'] : ['ref'];

describe.skipIf(!present)(
  'every pass on every PyTorch export keeps the outputs (or leaves the model unchanged)',
  () => {
    it.each(torchExportCases().map((c) => [c.name, c] as const))(
      '%s',
      async (_name, testCase) => {
        const report = await sweepCase(testCase, backends);
        expect(report.failures, report.outcomes.join('\n')).toEqual([]);
      },
      300_000,
    );
  },
);
