import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { usesWasmGemm } from '../../src/ops/shared/gemm-kernels.js';
import { BITS_CASES, pin, type PinnedBits } from './conv-bits-cases.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/conv-bits.json', import.meta.url), 'utf8')) as {
  readonly cases: readonly PinnedBits[];
};

/** Same bits, except that any NaN matches any NaN (JS engines do not keep NaN signs and payloads). */
function sameBits(got: Float32Array | Float64Array, want: Float32Array | Float64Array): string | undefined {
  if (got.constructor !== want.constructor || got.length !== want.length) return 'different type or length';
  const bytes = got.BYTES_PER_ELEMENT;
  const a = new Uint8Array(got.buffer, got.byteOffset, got.byteLength);
  const b = new Uint8Array(want.buffer, want.byteOffset, want.byteLength);
  for (let i = 0; i < got.length; i += 1) {
    const x = got[i] ?? 0;
    const y = want[i] ?? 0;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    for (let j = i * bytes; j < (i + 1) * bytes; j += 1) if (a[j] !== b[j]) return `element ${i}: ${x} vs ${y}`;
  }
  return undefined;
}

describe('output bits pinned before the issue-12 speed-up', () => {
  it('runs the WebAssembly kernels here', () => {
    expect(usesWasmGemm()).toBe(true);
  });

  for (const testCase of BITS_CASES) {
    it(`gives the pinned bits: ${testCase.name}`, () => {
      const want = fixture.cases.find((c) => c.name === testCase.name);
      expect(want, 'case in fixture').toBeDefined();
      // Compared as stored (JSON writes a NaN in `head` as null).
      const got: unknown = JSON.parse(JSON.stringify(pin(testCase.name, testCase.run())));
      expect(got).toEqual(want);
    });
  }

  it('gives the same bits without WebAssembly (node --no-expose-wasm: the JS twins of the kernels)', () => {
    const script = fileURLToPath(new URL('./conv-bits-fallback.ts', import.meta.url));
    const stdout = execFileSync(process.execPath, ['--no-expose-wasm', '--import', 'tsx', script], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    const report = JSON.parse(stdout) as { kernels: string; outputs: { name: string; bytes: string }[] };
    expect(report.kernels).toBe('js');
    for (const testCase of BITS_CASES) {
      const want = testCase.run().data;
      const entry = report.outputs.find((o) => o.name === testCase.name);
      if (entry === undefined || !(want instanceof Float32Array || want instanceof Float64Array))
        throw new Error(`${testCase.name}: missing or not float`);
      const raw = Buffer.from(entry.bytes, 'base64');
      const copy = new Uint8Array(raw).buffer;
      const got = want instanceof Float32Array ? new Float32Array(copy) : new Float64Array(copy);
      expect(sameBits(got, want), testCase.name).toBeUndefined();
    }
  }, 180_000);
});
