import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTensorFile } from '../../src/export/io-node.js';
import { runGolden } from '../../src/golden/runner.js';
import { Tensor } from '../../src/ir/tensor.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { REPO_ROOT } from '../shared.js';

describe('golden runner', () => {
  it("passes sppkit's own cases (expected outputs from onnxruntime) on the reference and ort-cpu", async () => {
    const report = await runGolden(
      [join(REPO_ROOT, 'test', 'golden', 'cases')],
      [getBackend('ref'), getBackend('ort-cpu')],
    );
    const bad = report.cases.filter(
      (c) => c.status === 'fail' || c.status === 'error' || (c.backend === 'ref' && c.status !== 'pass'),
    );
    expect(bad).toEqual([]);
    expect(report.summary.pass).toBeGreaterThanOrEqual(20);
  });

  it('reports a wrong expected output as a fail with the max abs error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-golden-'));
    const caseDir = join(dir, 'gap_wrong');
    mkdirSync(caseDir);
    writeFileSync(
      join(caseDir, 'case.json'),
      JSON.stringify({
        name: 'gap_wrong',
        kind: 'global_avg_pool',
        config: {},
        inputs: [{ name: 'x', file: 'input_0.pb', shape: [1, 1, 2, 2] }],
        outputs: [{ name: 'y', file: 'output_0.pb', shape: [1, 1, 1, 1] }],
        tolerance: { atol: 1e-6, rtol: 0 },
      }),
    );
    writeTensorFile(join(caseDir, 'input_0.pb'), Tensor.float32([1, 1, 2, 2], [1, 2, 3, 4]), 'x');
    // The mean of 1..4 is 2.5; store 2.75 so the case must fail by 0.25.
    writeTensorFile(join(caseDir, 'output_0.pb'), Tensor.float32([1, 1, 1, 1], [2.75]), 'y');
    const report = await runGolden([dir], [getBackend('ref')]);
    expect(report.cases).toHaveLength(1);
    expect(report.cases[0]?.status).toBe('fail');
    expect(report.cases[0]?.maxAbsErr).toBeCloseTo(0.25, 6);
  });

  it('skips, never passes, a case whose kind it cannot build, and a backend that is unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sppkit-golden-'));
    mkdirSync(join(dir, 'mystery'));
    writeFileSync(
      join(dir, 'mystery', 'case.json'),
      JSON.stringify({
        name: 'mystery',
        kind: 'mystery_pool',
        config: {},
        inputs: [{ name: 'x', file: 'input_0.pb', shape: [1] }],
        outputs: [{ name: 'y', file: 'output_0.pb', shape: [1] }],
      }),
    );
    const report = await runGolden([dir], [getBackend('ref'), getBackend('ort-cuda')]);
    expect(report.cases.map((c) => c.status)).toEqual(['skip', 'skip']);
    expect(report.cases[0]?.message).toMatch(/layer kind 'mystery_pool' is not supported/);
    expect(report.summary.pass).toBe(0);
  });
});
