/**
 * Peak memory of sppkit's model I/O, measured in a fresh child process per operation (bench/io.ts).
 *
 * Method: the child loads sppkit's modules and runs the operation once on a small model (so code is compiled and
 * caches are warm), collects garbage, reads its resident set size (VmRSS in /proc/self/status) as the baseline and
 * resets the kernel's peak counter (writing 5 to /proc/self/clear_refs). It then runs the operation on the big
 * model and reads VmHWM, the peak resident set size the kernel saw during it (every page touched counts, however
 * briefly, unlike sampling). It also records process.memoryUsage() before and after. In `decode+encode` the
 * model's bytes are read before the baseline (they are the operation's input, as for ParseFromString). RSS is the
 * truth for memory use; `arrayBuffers` counts buffers whose pages were never touched (the parts of a model file
 * left on disk), so it is reported but not used for the ratio.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, saveModel } from '../src/export/io-node.js';
import { decodeModel, encodeModel } from '../src/export/model.js';

/**
 * What a child measures: loadModel + saveModel (lazy, or eager: the whole file read), the file read + decode +
 * encode in memory, or decode + encode of bytes already in memory (read before the baseline, like the `data` that
 * ParseFromString is given).
 */
export type MemoryMode = 'load+save' | 'load+save eager' | 'read+decode+encode' | 'decode+encode';

/** The result of one child. */
export interface MemoryResult {
  readonly mode: MemoryMode;
  readonly modelBytes: number;
  readonly baselineRss: number;
  readonly peakRss: number;
  /** Whether the peak counter could be reset at the baseline (else it includes the warm-up's peak). */
  readonly peakReset: boolean;
  readonly before: NodeJS.MemoryUsage;
  readonly after: NodeJS.MemoryUsage;
}

function status(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? NaN) * 1024;
}

function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function run(mode: MemoryMode, model: string, output: string, given: Uint8Array | undefined): void {
  if (mode === 'read+decode+encode' || mode === 'decode+encode') {
    const bytes = given ?? new Uint8Array(readFileSync(model));
    const encoded = encodeModel(decodeModel(bytes, model));
    if (encoded.length !== bytes.length) throw new Error('decode → encode changed the size');
    return;
  }
  saveModel(output, loadModel(model, { lazy: mode === 'load+save' }));
}

/** Child side: runs `mode` on `warmup` then on `model`, prints one JSON line. */
export function memoryChild(mode: MemoryMode, warmup: string, model: string, outDir: string): void {
  run(mode, warmup, join(outDir, 'warmup-out.onnx'), undefined);
  const given = mode === 'decode+encode' ? new Uint8Array(readFileSync(model)) : undefined;
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  collect?.();
  const before = process.memoryUsage();
  const baselineRss = status('VmRSS');
  const peakReset = resetPeak();
  run(mode, model, join(outDir, 'memory-out.onnx'), given);
  const peakRss = status('VmHWM');
  const after = process.memoryUsage();
  const result: MemoryResult = {
    mode,
    modelBytes: statSync(model).size,
    baselineRss,
    peakRss,
    peakReset,
    before,
    after,
  };
  console.log(`MEMORY ${JSON.stringify(result)}`);
}

/** Parent side: runs one fresh child for `mode` and returns what it measured. */
export function measureMemory(mode: MemoryMode, warmup: string, model: string, outDir: string): MemoryResult {
  const script = fileURLToPath(new URL('./io.ts', import.meta.url));
  const result = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', script, '--io-child', 'memory', mode, warmup, model, outDir],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = result.stdout.split('\n').find((text) => text.startsWith('MEMORY '));
  if (result.status !== 0 || line === undefined)
    throw new Error(`memory child (${mode}) failed: ${result.stderr.trim() || result.stdout.trim()}`);
  return JSON.parse(line.slice('MEMORY '.length)) as MemoryResult;
}
