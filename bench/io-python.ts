/**
 * The Python onnx peer of bench/io.ts: Debian's python3-onnx, run as a child process that times one operation per
 * request (so that its runs interleave with sppkit's in one benchmark run). Python is never a dependency of sppkit:
 * when the interpreter or its onnx module is missing, the peer says so and the ratios are reported as unmeasured.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface, type Interface } from 'node:readline';

/** The interpreter that has onnx here (the `python3` on PATH is a pyenv without it). */
export const DEFAULT_PYTHON = '/usr/bin/python3';

/** Operations the peer times: from bytes in memory, and file to file. */
export type PythonOperation = 'parse+serialize' | 'load+save';

const SCRIPT = `
import sys, time
try:
    import onnx
except Exception as error:
    print("UNAVAILABLE cannot import onnx: %s" % error, flush=True)
    sys.exit(0)
source, target = sys.argv[1], sys.argv[2]
data = open(source, "rb").read()
print("READY onnx %s, protobuf %s" % (onnx.__version__, __import__("google.protobuf").protobuf.__version__), flush=True)
for line in sys.stdin:
    command = line.strip()
    if command == "quit":
        break
    started = time.perf_counter()
    if command == "parse+serialize":
        model = onnx.ModelProto()
        model.ParseFromString(data)
        out = model.SerializeToString()
        assert len(out) > 0
    elif command == "load+save":
        model = onnx.load(source)
        onnx.save(model, target)
    else:
        print("ERROR unknown command %s" % command, flush=True)
        continue
    elapsed = (time.perf_counter() - started) * 1000
    del model
    print("MS %.6f" % elapsed, flush=True)
`;

/** A running peer, or the reason there is none. */
export type PythonPeer =
  | {
      readonly available: true;
      readonly version: string;
      time(operation: PythonOperation): Promise<number>;
      close(): void;
    }
  | { readonly available: false; readonly reason: string };

/** Starts the peer on `model` (writing `load+save` output to `output`). */
export async function startPythonPeer(python: string, model: string, output: string): Promise<PythonPeer> {
  if (!existsSync(python)) return { available: false, reason: `${python} does not exist` };
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(python, ['-c', SCRIPT, model, output], { stdio: 'pipe' });
  } catch (error) {
    return { available: false, reason: `cannot start ${python}: ${String(error)}` };
  }
  const lines: Interface = createInterface({ input: child.stdout });
  const pending: ((line: string | undefined) => void)[] = [];
  const queued: string[] = [];
  lines.on('line', (line) => {
    const waiter = pending.shift();
    if (waiter === undefined) queued.push(line);
    else waiter(line);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.on('exit', () => {
    for (const waiter of pending.splice(0)) waiter(undefined);
  });
  const next = (): Promise<string | undefined> =>
    queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => pending.push(resolve));
  const first = await next();
  if (first === undefined || !first.startsWith('READY')) {
    child.kill();
    const why = first?.replace(/^UNAVAILABLE /, '') ?? (stderr.trim() || 'the interpreter exited');
    return { available: false, reason: `${python}: ${why}` };
  }
  return {
    available: true,
    version: first.slice('READY '.length),
    async time(operation: PythonOperation): Promise<number> {
      child.stdin.write(`${operation}\n`);
      const line = await next();
      if (line === undefined || !line.startsWith('MS ')) throw new Error(`python peer: ${line ?? stderr.trim()}`);
      return Number(line.slice(3));
    },
    close(): void {
      child.stdin.write('quit\n');
      child.stdin.end();
    },
  };
}

const MEMORY_SCRIPT = `
import sys
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
import onnx
mode, source, target = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(source, "rb").read() if mode == "parse+serialize" else None
reset = True
try:
    open("/proc/self/clear_refs", "w").write("5")
except OSError:
    reset = False
baseline = status("VmRSS")
if mode == "parse+serialize":
    model = onnx.ModelProto()
    model.ParseFromString(data)
    out = model.SerializeToString()
else:
    model = onnx.load(source)
    onnx.save(model, target)
print("PEAK %d %d %d" % (baseline, status("VmHWM"), 1 if reset else 0), flush=True)
`;

/**
 * Peak RSS over the baseline of `onnx.load` + `onnx.save`, or of ParseFromString + SerializeToString of bytes read
 * before the baseline, in a fresh Python process; undefined when the peer cannot run.
 */
export async function pythonPeakMemory(
  python: string,
  operation: PythonOperation,
  model: string,
  output: string,
): Promise<{ baseline: number; peak: number } | undefined> {
  if (!existsSync(python)) return undefined;
  const child = spawn(python, ['-c', MEMORY_SCRIPT, operation, model, output], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  await new Promise((resolve) => child.on('exit', resolve));
  const match = /PEAK (\d+) (\d+) (\d)/.exec(text);
  if (match === null) return undefined;
  return { baseline: Number(match[1]), peak: Number(match[2]) };
}
