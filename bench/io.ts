/**
 * Model I/O benchmark (issue 12): sppkit against Python onnx (Debian's python3-onnx, run as a child process) on the
 * 42 MB SPPF 2048→2048 model, runs interleaved round-robin in one run; peak memory in fresh child processes; and a
 * model over protobuf's 2 GiB limit transformed end to end (see io-big.ts).
 *
 *   npx tsx bench/io.ts [--runs 7] [--python /usr/bin/python3] [--no-big] [--big-gib 2.3] [--json report.json]
 *
 * Timed, per round: sppkit decode (bytes → Model), encode (Model → one buffer), decode + encode, decode + encode
 * to pieces (no contiguous output), loadModel + saveModel (file → file; lazy and eager); Python
 * ParseFromString + SerializeToString and onnx.load + onnx.save; and, for scale, filling a fresh buffer of the
 * model's size (the page-fault cost that any encoder producing new bytes in memory pays here).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../src/cli/commands/build.js';
import { loadModel, saveModel } from '../src/export/io-node.js';
import { decodeModel, encodeModel, encodeModelParts } from '../src/export/model.js';
import { figure, goal, printTimings, summarize, type Timing } from './harness.js';
import { bigChild, runBigBenchmark } from './io-big.js';
import { measureMemory, memoryChild, type MemoryMode, type MemoryResult } from './io-memory.js';
import { DEFAULT_PYTHON, pythonPeakMemory, startPythonPeer, type PythonOperation } from './io-python.js';

const SPEED_TARGET = 10;
const MEMORY_TARGET = 1.3;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** Writes the SPPF model (seeded weights) the issue measured: 2048 → 2048 channels, 20×20. */
function writeSppf(path: string, channels: number): number {
  const model = buildModel({
    block: 'sppf',
    inChannels: channels,
    batch: 1,
    height: 20,
    width: 20,
    opset: 17,
    options: { outChannels: channels },
    weightsPath: undefined,
    seed: 0,
  });
  return saveModel(path, model).length;
}

interface Step {
  readonly name: string;
  readonly run: () => number | Promise<number>;
}

/** Runs every step once per round (round-robin), `warmup` rounds untimed; returns each step's times. */
async function rounds(steps: readonly Step[], warmup: number, runs: number): Promise<Timing[]> {
  const times = steps.map(() => [] as number[]);
  for (let round = 0; round < warmup + runs; round += 1) {
    for (const [index, step] of steps.entries()) {
      const ms = await step.run();
      if (round >= warmup) times[index]?.push(ms);
    }
  }
  return steps.map((step, index) => summarize(step.name, times[index] ?? []));
}

function timed(action: () => void): number {
  const started = performance.now();
  action();
  return performance.now() - started;
}

function median(timings: readonly Timing[], name: string): number {
  return timings.find((t) => t.name === name)?.medianMs ?? NaN;
}

/** sppkit steps and their Python peers: [sppkit step, Python step] per comparison. */
const COMPARISONS = [
  ['sppkit decode + encode', 'Python ParseFromString + SerializeToString'],
  ['sppkit decode + encode to pieces', 'Python ParseFromString + SerializeToString'],
  ['sppkit loadModel + saveModel', 'Python onnx.load + onnx.save'],
  ['sppkit loadModel + saveModel (eager read)', 'Python onnx.load + onnx.save'],
] as const;

async function speed(dir: string, model: string, pythonPath: string, runs: number): Promise<void> {
  const bytes = new Uint8Array(readFileSync(model));
  const same = Buffer.from(encodeModel(decodeModel(bytes, model))).equals(Buffer.from(bytes));
  console.log(`decode → encode gives the file's bytes back: ${same ? 'yes' : 'NO'}`);
  figure('roundTripByteIdentical', same ? 'yes' : 'no');
  const peer = await startPythonPeer(pythonPath, model, join(dir, 'python-out.onnx'));
  if (peer.available) console.log(`Python peer: ${pythonPath}, ${peer.version} (runs interleaved with sppkit's)`);
  else console.log(`Python peer: NOT AVAILABLE — ${peer.reason}; sppkit figures only, ratios unmeasured`);
  figure('pythonPeer', peer.available ? `${pythonPath}: ${peer.version}` : `unavailable: ${peer.reason}`);
  const decoded = decodeModel(bytes, model);
  const output = join(dir, 'out.onnx');
  const pythonStep = (name: string, operation: PythonOperation): Step[] =>
    peer.available ? [{ name, run: () => peer.time(operation) }] : [];
  const inMemory: Step[] = [
    { name: 'sppkit decode', run: () => timed(() => decodeModel(bytes, model)) },
    { name: 'sppkit encode', run: () => timed(() => encodeModel(decoded)) },
    { name: 'sppkit decode + encode', run: () => timed(() => encodeModel(decodeModel(bytes, model))) },
    { name: 'sppkit decode + encode to pieces', run: () => timed(() => encodeModelParts(decodeModel(bytes, model))) },
    ...pythonStep('Python ParseFromString + SerializeToString', 'parse+serialize'),
    { name: 'fresh buffer of the model size, filled', run: () => timed(() => new Uint8Array(bytes.length).fill(1)) },
  ];
  const files: Step[] = [
    { name: 'sppkit loadModel + saveModel', run: () => timed(() => saveModel(output, loadModel(model))) },
    {
      name: 'sppkit loadModel + saveModel (eager read)',
      run: () => timed(() => saveModel(output, loadModel(model, { lazy: false }))),
    },
    ...pythonStep('Python onnx.load + onnx.save', 'load+save'),
  ];
  const timings = await rounds([...inMemory, ...files], 1, runs);
  if (peer.available) peer.close();
  printTimings(`in memory, ${bytes.length} bytes`, timings.slice(0, inMemory.length), 'sppkit decode + encode');
  printTimings('file to file', timings.slice(inMemory.length), 'sppkit loadModel + saveModel');
  const mb = bytes.length / 1e6;
  console.log('\nthroughput (MB/s, median):');
  for (const t of timings) console.log(`  ${t.name.padEnd(58)} ${(mb / (t.medianMs / 1000)).toFixed(0).padStart(7)}`);
  const ratios = new Map<string, number | null>();
  if (peer.available) console.log('\nPython median / sppkit median:');
  for (const [ours, theirs] of COMPARISONS) {
    const ratio = peer.available ? median(timings, theirs) / median(timings, ours) : null;
    ratios.set(ours, figure(`speed ratio: ${theirs} / ${ours}`, ratio, '×'));
    if (ratio !== null) console.log(`  ${`${ours} vs ${theirs}`.padEnd(94)} ${ratio.toFixed(1).padStart(6)}×`);
  }
  const floor = median(timings, 'fresh buffer of the model size, filled');
  console.log(
    `  (a fresh ${mb.toFixed(0)} MB buffer costs ${floor.toFixed(0)} ms to fill here, in page faults: the floor of ` +
      'any encoder that returns new bytes in memory; Python pays it twice, parse copies and serialize allocates)',
  );
  const note = peer.available ? {} : { note: 'Python onnx peer unavailable' };
  goal(
    'io-speed load+save (file → file) vs onnx.load+onnx.save',
    ratios.get(COMPARISONS[2][0]) ?? null,
    SPEED_TARGET,
    note,
  );
  goal(
    'io-speed decode+encode (in memory) vs ParseFromString+SerializeToString',
    ratios.get(COMPARISONS[0][0]) ?? null,
    SPEED_TARGET,
    note,
  );
}

function memoryLine(result: MemoryResult): string {
  const over = result.peakRss - result.baselineRss;
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0).padStart(5)} MB`;
  return (
    `  ${result.mode.padEnd(22)} baseline ${mb(result.baselineRss)}  peak ${mb(result.peakRss)}  over baseline ` +
    `${mb(over)} = ${(over / result.modelBytes).toFixed(2)}× the model${result.peakReset ? '' : ' (peak not reset)'}`
  );
}

async function memory(dir: string, warmup: string, model: string, pythonPath: string): Promise<void> {
  console.log('\npeak resident memory over the baseline, fresh child process per operation (see bench/io-memory.ts):');
  const modes: MemoryMode[] = ['load+save', 'load+save eager', 'read+decode+encode', 'decode+encode'];
  const results = modes.map((mode) => measureMemory(mode, warmup, model, dir));
  const modelBytes = results[0]?.modelBytes ?? NaN;
  const ratios = new Map<MemoryMode, number>();
  for (const result of results) {
    console.log(memoryLine(result));
    const ratio = (result.peakRss - result.baselineRss) / result.modelBytes;
    ratios.set(result.mode, figure(`peak over baseline: sppkit ${result.mode}`, ratio, '× model'));
  }
  for (const operation of ['load+save', 'parse+serialize'] as const) {
    const peer = await pythonPeakMemory(pythonPath, operation, model, join(dir, 'python-memory-out.onnx'));
    if (peer === undefined) continue;
    const over = peer.peak - peer.baseline;
    const ratio = figure(`peak over baseline: Python ${operation}`, over / modelBytes, '× model');
    const label = `Python ${operation}`.padEnd(22);
    console.log(`  ${label} over baseline ${(over / 1e6).toFixed(0).padStart(5)} MB = ${ratio.toFixed(2)}× the model`);
  }
  const options = { direction: 'at-most', unit: '× model' } as const;
  goal('io-memory load+save peak over baseline', ratios.get('load+save') ?? null, MEMORY_TARGET, options);
  goal(
    'io-memory decode+encode of bytes in memory, peak over baseline',
    ratios.get('decode+encode') ?? null,
    MEMORY_TARGET,
    options,
  );
}

async function main(): Promise<void> {
  const runs = Number(option('--runs') ?? 7);
  const pythonPath = option('--python') ?? process.env.SPPKIT_PYTHON ?? DEFAULT_PYTHON;
  const dir = mkdtempSync(join(tmpdir(), 'sppkit-bench-io-'));
  try {
    const model = join(dir, 'sppf-2048.onnx');
    const warmup = join(dir, 'sppf-64.onnx');
    const size = writeSppf(model, 2048);
    writeSppf(warmup, 64);
    console.log(`model: sppf 2048→2048 (seeded weights), ${size} bytes, in ${dir}; ${runs} runs per variant`);
    figure('modelBytes', size, 'bytes');
    await speed(dir, model, pythonPath, runs);
    await memory(dir, warmup, model, pythonPath);
    if (process.argv.includes('--no-big')) console.log('\n>2 GiB transform: skipped (--no-big)');
    else runBigBenchmark(dir, Number(option('--big-gib') ?? 2.3));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const child = process.argv.indexOf('--io-child');
if (child >= 0) {
  const [kind, ...rest] = process.argv.slice(child + 1);
  if (kind === 'memory') memoryChild(rest[0] as MemoryMode, rest[1] ?? '', rest[2] ?? '', rest[3] ?? '');
  else bigChild(kind ?? '', rest);
} else {
  await main();
}
