/**
 * The fuzzing engine: a pool of worker processes under a watchdog. Each mutant runs the stage pipeline in a worker;
 * a worker that uses more CPU time than the limit is killed (a hang, in the stage it last reported), one whose
 * memory grows past the cap is killed (out of memory), and one that dies otherwise is reported as such. A killed
 * worker is replaced.
 *
 * Time is CPU time, not wall time: on a shared machine (2 cores, many processes) wall time says more about the
 * neighbours than about sppkit. The limit is `timeoutMs` plus `msPerMegabyte` per MB of the model, since every
 * stage is at least linear in the model's size (the 6 MB, 200,000-node chain of the catalogue is not a hang when
 * it takes ten seconds). A wall-clock cap of `WALL_FACTOR` times the limit catches a worker that is blocked.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PipelineResult, Stage } from './stages.js';
import type { WorkerMessage, WorkerTask } from './worker.js';

/** How one mutant ended overall. */
export type Verdict =
  | { readonly kind: 'result'; readonly result: PipelineResult }
  | { readonly kind: 'hang'; readonly stage: Stage | 'start' }
  | { readonly kind: 'oom'; readonly stage: Stage | 'start' }
  | { readonly kind: 'died'; readonly stage: Stage | 'start'; readonly detail: string };

/** Watchdog settings. */
export interface PoolOptions {
  /** Worker processes (default 2). */
  readonly jobs?: number;
  /** Per-mutant CPU time limit in ms (default 5000), plus `msPerMegabyte` per MB of the model. */
  readonly timeoutMs?: number;
  /** CPU ms allowed per MB of model on top of `timeoutMs` (default 5000: 5 µs per byte). */
  readonly msPerMegabyte?: number;
  /** Resident memory cap per worker in MiB (default 3072). */
  readonly memoryMiB?: number;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const MEMORY_POLL_MS = 100;
const PAGE_KIB = 4;
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
/** A mutant that takes this many times its CPU limit in wall time is a hang even if it used no CPU. */
const WALL_FACTOR = 20;

interface Pending {
  readonly task: WorkerTask;
  readonly resolve: (verdict: Verdict) => void;
  stage: Stage | 'start';
  /** Wall-clock cap. */
  timer: NodeJS.Timeout;
  /** CPU ms of the worker when the task started, and the task's CPU limit. */
  readonly cpuStart: number;
  readonly cpuLimitMs: number;
}

/** CPU time (user + system) of a process in ms (Linux), or 0 when unknown. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident set size of a process in MiB (Linux), or 0 when unknown. */
function residentMiB(pid: number): number {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1] ?? 0);
    return (pages * PAGE_KIB) / 1024;
  } catch {
    return 0;
  }
}

class Slot {
  child: ChildProcess | null = null;
  pending: Pending | null = null;
  #poll: NodeJS.Timeout | null = null;

  constructor(private readonly options: Required<PoolOptions>) {}

  async run(task: WorkerTask): Promise<Verdict> {
    const child = await this.ensure();
    const cpuLimitMs = this.options.timeoutMs + (task.bytes.length / 1e6) * this.options.msPerMegabyte;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => this.finish({ kind: 'hang', stage: this.pending?.stage ?? 'start' }, true),
        cpuLimitMs * WALL_FACTOR,
      );
      const cpuStart = child.pid === undefined ? 0 : cpuMs(child.pid);
      this.pending = { task, resolve, stage: 'start', timer, cpuStart, cpuLimitMs };
      child.send(task);
    });
  }

  close(): void {
    if (this.#poll !== null) clearInterval(this.#poll);
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  /** A started worker, once it has said it is ready (its start-up time is not counted against a mutant). */
  private ensure(): Promise<ChildProcess> {
    if (this.child !== null) return Promise.resolve(this.child);
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx', '--max-old-space-size=2048', '--stack-size=984'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const ready = new Promise<ChildProcess>((resolve, reject) => {
      child.once('message', (message: WorkerMessage) =>
        message.type === 'ready' ? resolve(child) : reject(new Error('fuzz worker: no ready message')),
      );
      child.once('exit', (code) => reject(new Error(`fuzz worker exited at start (${code ?? '?'}): ${stderr}`)));
    });
    child.on('message', (message: WorkerMessage) => {
      const pending = this.pending;
      if (pending === null || message.id !== pending.task.id) return;
      if (message.type === 'stage') pending.stage = message.stage;
      else if (message.type === 'done') this.finish({ kind: 'result', result: message.result }, false);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      const stage = this.pending?.stage ?? 'start';
      const oom = /heap out of memory|Array buffer allocation failed/.test(stderr);
      this.finish(
        oom
          ? { kind: 'oom', stage }
          : {
              kind: 'died',
              stage,
              detail: `exit ${code ?? signal ?? '?'}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
            },
        false,
      );
    });
    this.#poll ??= setInterval(() => {
      const pid = this.child?.pid;
      const pending = this.pending;
      if (pid === undefined || pending === null) return;
      if (residentMiB(pid) > this.options.memoryMiB) this.finish({ kind: 'oom', stage: pending.stage }, true);
      else if (cpuMs(pid) - pending.cpuStart > pending.cpuLimitMs)
        this.finish({ kind: 'hang', stage: pending.stage }, true);
    }, MEMORY_POLL_MS);
    this.child = child;
    return ready;
  }

  private finish(verdict: Verdict, kill: boolean): void {
    const pending = this.pending;
    if (pending === null) return;
    clearTimeout(pending.timer);
    this.pending = null;
    if (kill) {
      const child = this.child;
      this.child = null;
      child?.kill('SIGKILL');
    }
    pending.resolve(verdict);
  }
}

/** A pool of watched worker processes. */
export class WorkerPool {
  readonly #slots: Slot[];
  readonly #idle: Slot[];
  readonly #waiting: ((slot: Slot) => void)[] = [];
  #next = 0;

  constructor(options: PoolOptions = {}) {
    const settings: Required<PoolOptions> = {
      jobs: 2,
      timeoutMs: 5000,
      msPerMegabyte: 5000,
      memoryMiB: 3072,
      ...options,
    };
    this.#slots = Array.from({ length: Math.max(1, settings.jobs) }, () => new Slot(settings));
    this.#idle = [...this.#slots];
  }

  /** Runs the pipeline on `bytes` in a worker. */
  async run(bytes: Uint8Array): Promise<Verdict> {
    const slot = this.#idle.pop() ?? (await new Promise<Slot>((resolve) => this.#waiting.push(resolve)));
    try {
      this.#next += 1;
      return await slot.run({ id: this.#next, bytes });
    } finally {
      const waiter = this.#waiting.shift();
      if (waiter !== undefined) waiter(slot);
      else this.#idle.push(slot);
    }
  }

  /** Stops every worker. */
  close(): void {
    for (const slot of this.#slots) slot.close();
  }
}
