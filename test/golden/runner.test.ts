import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGolden } from '../../src/golden/runner.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { REPO_ROOT } from '../shared.js';
import { tempDir, writeOffByQuarterCase } from '../cli/run-cli.js';

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
    const dir = tempDir('golden');
    // The mean of 1..4 is 2.5; store 2.75 so the case must fail by 0.25.
    writeOffByQuarterCase(dir, 'gap_wrong');
    const report = await runGolden([dir], [getBackend('ref')]);
    expect(report.cases).toHaveLength(1);
    expect(report.cases[0]?.status).toBe('fail');
    expect(report.cases[0]?.maxAbsErr).toBeCloseTo(0.25, 6);
  });

  it('skips, never passes, a case whose kind it cannot build, and a backend that is unavailable', async () => {
    const dir = tempDir('golden');
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
