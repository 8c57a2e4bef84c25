/**
 * The one probe model of every onnxruntime backend's availability check (in this process, in a child process or
 * in a browser page): a backend is available only if it runs this model and gives exactly the expected value.
 */
import { GraphBuilder } from '../graph/builder.js';
import { DataType } from '../ir/dtype.js';
import type { Model } from '../ir/graph.js';
import { Tensor } from '../ir/tensor.js';
import { MaxPool } from '../ops/max-pool.js';
import type { Session } from './backend.js';

/** The probe model's input name. */
export const PROBE_INPUT = 'x';
/** The probe model's output name. */
export const PROBE_OUTPUT = 'y';

/** A model that checks a backend computes: `input` fed as PROBE_INPUT must give exactly `[expected]`. */
export interface ProbeCase {
  readonly model: Model;
  readonly input: Tensor;
  readonly expected: number;
}

/**
 * The probe: MaxPool 2x2 over x[1, 1, 2, 2] = [-3e5, -2e5, -4e5, -5e5] must give the largest value, -2e5. Every
 * value is below -1e5 on purpose: onnxruntime-web's JSEP MaxPool starts its max from -1e5 and would give -1e5, and a
 * backend that returns zeros or garbage fails as well. The values are integers, exact in float32.
 */
export function probeModel(): ProbeCase {
  const b = new GraphBuilder({ name: 'sppkit_probe', opset: 17 });
  const x = b.input(PROBE_INPUT, DataType.FLOAT, [1, 1, 2, 2]);
  b.output(b.op1(MaxPool, [x], { kernelShape: [2, 2] }), PROBE_OUTPUT);
  return { model: b.build(), input: Tensor.float32([1, 1, 2, 2], [-3e5, -2e5, -4e5, -5e5]), expected: -2e5 };
}

/** Undefined when `got` is exactly `[probe.expected]`, otherwise a sentence naming what was computed. */
export function probeMismatch(got: ArrayLike<number> | undefined, probe: ProbeCase): string | undefined {
  const values = got === undefined ? undefined : Array.from(got);
  if (values?.length === 1 && values[0] === probe.expected) return undefined;
  return `probe computed ${values === undefined ? 'no output' : JSON.stringify(values)}, expected [${probe.expected}]`;
}

/** Runs the probe on a loaded probe session; undefined when it gave the expected value, otherwise why not. */
export async function runProbe(session: Session, probe: ProbeCase): Promise<string | undefined> {
  const outputs = await session.run(new Map([[PROBE_INPUT, probe.input]]));
  return probeMismatch(outputs.get(PROBE_OUTPUT)?.toNumbers(), probe);
}
