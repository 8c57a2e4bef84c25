/**
 * The golden runner's case discovery and tolerances: case.json `rtol`/`atol` beside a model.onnx (one atol for
 * all outputs, or one per output), cases without expected outputs, folders without cases, symlink loops and
 * unreadable entries.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveModel, writeTensorFile } from '../../src/export/io-node.js';
import { GoldenError } from '../../src/golden/cases.js';
import { runGolden, type CaseResult } from '../../src/golden/runner.js';
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import { Tensor } from '../../src/ir/tensor.js';
import { getBackend } from '../../src/runtime/node/backends.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';

const X = [-2, -0.5, 0.5, 2];
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * An ONNX-layout case in a new folder: x [4] → relu → `a`, x → sigmoid → `b`; the expected `b` is off by
 * `offset` (expected values computed here, by hand). `caseJson` is written beside model.onnx when given.
 */
function twoOutputCase(options: { offset?: number; caseJson?: unknown; outputs?: number } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'sppkit-golden-case-'));
  const dir = join(root, 'two');
  mkdirSync(join(dir, 'test_data_set_0'), { recursive: true });
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', DataType.FLOAT, [4]);
  b.output(b.relu(x), 'a');
  b.output(b.sigmoid(x), 'b');
  saveModel(join(dir, 'model.onnx'), b.build());
  writeTensorFile(join(dir, 'test_data_set_0', 'input_0.pb'), Tensor.float32([4], X), 'x');
  const expected = [X.map((v) => Math.max(v, 0)), X.map((v) => sigmoid(v) + (options.offset ?? 0))];
  expected.slice(0, options.outputs ?? 2).forEach((values, j) => {
    writeTensorFile(join(dir, 'test_data_set_0', `output_${j}.pb`), Tensor.float32([4], values), j === 0 ? 'a' : 'b');
  });
  if (options.caseJson !== undefined) writeFileSync(join(dir, 'case.json'), JSON.stringify(options.caseJson));
  return root;
}

async function runRef(root: string): Promise<CaseResult> {
  const report = await runGolden([root], [getBackend('ref')]);
  expect(report.cases).toHaveLength(1);
  const [result] = report.cases;
  if (result === undefined) throw new Error('no result');
  return result;
}

describe('golden tolerances from case.json', () => {
  it('holds a case without case.json to the default and reports the tolerance with the failure', async () => {
    // sigmoid(x) ≤ 0.88, so the default allows at most 1e-5 + 1e-3·0.88 < 1e-3: an offset of 1e-3 fails.
    const result = await runRef(twoOutputCase({ offset: 1e-3 }));
    expect(result.status).toBe('fail');
    expect(result.maxAbsErr).toBeCloseTo(1e-3, 6);
    expect(result.tolerance).toEqual({ atol: 1e-5, rtol: 1e-3 });
    expect(result.message).toMatch(/output 'b'/);
  });

  it('takes rtol and one atol per output, in output order', async () => {
    const loose = await runRef(twoOutputCase({ offset: 1e-3, caseJson: { rtol: 0, atol: [0, 2e-3] } }));
    expect(loose.status).toBe('pass');
    const swapped = await runRef(twoOutputCase({ offset: 1e-3, caseJson: { rtol: 0, atol: [2e-3, 0] } }));
    expect(swapped.status).toBe('fail');
    expect(swapped.tolerance).toEqual({ atol: 0, rtol: 0 });
  });

  it('takes one atol for every output, and the layer-style tolerance object', async () => {
    expect((await runRef(twoOutputCase({ offset: 1e-3, caseJson: { rtol: 1e-3, atol: 2e-3 } }))).status).toBe('pass');
    const nested = await runRef(twoOutputCase({ offset: 1e-3, caseJson: { tolerance: { atol: 2e-3, rtol: 0 } } }));
    expect(nested.status).toBe('pass');
  });

  it('refuses a malformed tolerance as an error naming the key', async () => {
    const short = await runRef(twoOutputCase({ caseJson: { rtol: 1e-3, atol: [1e-4] } }));
    expect(short.status).toBe('error');
    expect(short.message).toMatch(/case\.json: atol lists 1 value\(s\) but the model has 2 output\(s\)/);
    const negative = await runRef(twoOutputCase({ caseJson: { rtol: -1, atol: 0 } }));
    expect(negative.status).toBe('error');
    expect(negative.message).toMatch(/rtol must be a finite number >= 0, got -1/);
  });
});

describe('golden cases without expected outputs', () => {
  it('is an error, never a pass, when a data set has no output_*.pb', async () => {
    const result = await runRef(twoOutputCase({ outputs: 0 }));
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/no expected outputs for graph output 'a' \(output_0\.pb\), 'b' \(output_1\.pb\)/);
  });

  it('is an error when one graph output has no expected tensor', async () => {
    const result = await runRef(twoOutputCase({ outputs: 1 }));
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/no expected output for graph output 'b' \(output_1\.pb\)/);
  });

  it('is an error when a model has no test data set at all', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sppkit-golden-nodata-'));
    const b = new GraphBuilder({ opset: 17 });
    b.output(b.relu(b.input('x', DataType.FLOAT, [1])), 'y');
    saveModel(join(root, 'model.onnx'), b.build());
    const result = await runRef(root);
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/no test data sets/);
  });
});

describe('golden case discovery', () => {
  it('refuses a folder without any case, before running anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sppkit-golden-empty-'));
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'notes.txt'), 'no case here');
    await expect(runGolden([root], [getBackend('ref')])).rejects.toThrow(GoldenError);
    await expect(runGolden([root], [getBackend('ref')])).rejects.toThrow(
      /no golden case under '.*sppkit-golden-empty-/,
    );
  });

  it('names the link of a symlink loop', async () => {
    const root = twoOutputCase();
    mkdirSync(join(root, 'deeper'));
    symlinkSync(root, join(root, 'deeper', 'back'));
    await expect(runGolden([root], [getBackend('ref')])).rejects.toThrow(
      /^golden: symlink loop: '.*deeper\/back' leads back to '.*sppkit-golden-case-\w+'$/,
    );
  });

  it('names an entry it cannot read (a dangling link, a link to itself)', async () => {
    const dangling = twoOutputCase();
    symlinkSync(join(dangling, 'nowhere'), join(dangling, 'broken'));
    await expect(runGolden([dangling], [getBackend('ref')])).rejects.toThrow(
      /^golden: cannot read '.*broken': no such file or directory \(ENOENT\)$/,
    );
    const selfLoop = twoOutputCase();
    symlinkSync(join(selfLoop, 'self'), join(selfLoop, 'self'));
    await expect(runGolden([selfLoop], [getBackend('ref')])).rejects.toThrow(/^golden: cannot read '.*self': .*ELOOP/);
  });

  it('reaches a case through a symlink once, with its name', async () => {
    const target = twoOutputCase();
    const root = mkdtempSync(join(tmpdir(), 'sppkit-golden-link-'));
    symlinkSync(join(target, 'two'), join(root, 'linked'));
    const report = await runGolden([root], [getBackend('ref')]);
    expect(report.cases.map((c) => [c.case, c.status])).toEqual([['linked', 'pass']]);
  });
});

describe('the real models (../shared/golden/real)', () => {
  it('pass on onnxruntime CPU with their own tolerances; ref passes or skips naming missing ops', async () => {
    if (!haveSharedGolden('real models')) return;
    const report = await runGolden([join(SHARED_GOLDEN, 'real')], [getBackend('ort-cpu'), getBackend('ref')]);
    const ort = report.cases.filter((c) => c.backend === 'ort-cpu');
    expect(ort.map((c) => c.status)).toEqual(Array<string>(6).fill('pass'));
    for (const c of report.cases.filter((r) => r.backend === 'ref')) {
      if (c.status === 'skip') expect(c.message, c.case).toMatch(/^the reference cannot run this model: ops not impl/);
      else expect(c.status, `${c.case}: ${c.message}`).toBe('pass');
    }
  }, 120_000);
});
