/**
 * A fuzzing worker process: receives mutants from the campaign (engine.ts), runs the stage pipeline on each and
 * reports the stage it is in before each stage, so the watchdog can name the stage of a hang.
 */
import { runPipeline, type PipelineResult, type Stage } from './stages.js';

/** A task sent to the worker. */
export interface WorkerTask {
  readonly id: number;
  readonly bytes: Uint8Array;
}

/** What the worker sends back. */
export type WorkerMessage =
  | { readonly id: 0; readonly type: 'ready' }
  | { readonly id: number; readonly type: 'stage'; readonly stage: Stage }
  | { readonly id: number; readonly type: 'done'; readonly result: PipelineResult };

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.on('message', (task: WorkerTask) => {
  const result = runPipeline(task.bytes, (stage) => send({ id: task.id, type: 'stage', stage }));
  send({ id: task.id, type: 'done', result });
});
process.on('disconnect', () => process.exit(0));
send({ id: 0, type: 'ready' });
