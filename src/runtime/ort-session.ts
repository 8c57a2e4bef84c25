/**
 * What every onnxruntime backend shares, whichever package runs the model (onnxruntime-node, onnxruntime-web in
 * Node or in a page): a `Session` over an onnxruntime session that checks feeds and converts tensors both ways, the
 * text of onnxruntime's errors, and how to read its refusals.
 *
 * Browser-safe: it only needs onnxruntime's *types* (onnxruntime-common's, re-exported by onnxruntime-web and
 * onnxruntime-node alike); the module itself is passed in by the caller.
 */
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import { encodeModel } from '../export/model.js';
import { nodesDeep } from '../graph/subgraphs.js';
import { DataType } from '../ir/dtype.js';
import { type SppkitError, UnsupportedError } from '../ir/errors.js';
import type { Model } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import { BackendError, type BackendName, type Session, type TensorMap } from './backend.js';
import { fromOrtTensor, toOrtTensor, type OrtTensorConstructor } from './ort-tensor.js';

/** onnxruntime's graph optimization levels. */
export type GraphOptimizationLevel = NonNullable<InferenceSession.SessionOptions['graphOptimizationLevel']>;

/** Serializes a model to ONNX bytes for onnxruntime. */
export type ModelEncoder = (model: Model) => Uint8Array | Promise<Uint8Array>;

/** Serializes a model for onnxruntime: `encodeModel` (src/export), the default `ModelEncoder` of every backend. */
export function encodeForOrt(model: Model): Uint8Array {
  return encodeModel(model);
}

/**
 * The text of an error thrown by onnxruntime. Kept whole (its source location helps a bug report) unless `short`,
 * which drops the `file.cc:line function condition was false.` prefix of ORT's checks.
 */
export function ortErrorText(error: unknown, short = false): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  return short ? text.replace(/^\S+\.(?:cc|cpp|h):\d+ .*? was false\. /s, '') : text;
}

/**
 * onnxruntime messages that mean "this runtime does not implement that" (an op for a type, an opset newer than it
 * supports) rather than "the model is wrong": the golden runner reports these as skips with the reason.
 */
const ORT_LACKS: readonly RegExp[] = [
  /Could not find an implementation for/,
  /Opset \d+ is under development/,
  /is not a registered function\/op/,
  // A GPU EP without a kernel for some node, where sppkit keeps ORT from silently running it on the CPU EP.
  /fallback to CPU EP has been explicitly disabled/,
  /Provider type for \w+ node with name '[^']*' is not set/,
  // The device (SwiftShader's WebGPU adapter, for one) has no float16 shaders.
  /requires f16 but the device does not support it/,
];

/** The useful part of an onnxruntime message (without the C++ source location) when it says ORT lacks something. */
function ortLacks(message: string): string | undefined {
  return ORT_LACKS.some((pattern) => pattern.test(message))
    ? message
        .replace(/\S+\.(?:cc|cpp|h):\d+ .*? was false\. /s, '')
        .replace(/\/onnxruntime_src\/\S+ [^)]*\) /, '')
        .slice(0, 300)
    : undefined;
}

/**
 * The error for an onnxruntime failure (`stage`: 'session creation failed', 'run failed'): what the runtime cannot
 * do (an op for a type, a node its EP has no kernel for, f16 shaders) is a refusal with the reason — an
 * UnsupportedError, a skip in the golden runner — and anything else is the backend's failure. `explain` adds a
 * hint to the text either way.
 */
export function ortFailure(
  backend: BackendName,
  stage: string,
  message: string,
  explain: (text: string) => string = (text) => text,
): SppkitError {
  const lacks = ortLacks(message);
  return lacks === undefined
    ? new BackendError(backend, `${stage}: ${explain(message)}`)
    : new UnsupportedError(`${backend}: onnxruntime lacks this: ${explain(lacks)}`);
}

/** ORT's message when strict placement refused a model because some nodes would run on the CPU EP. */
export const CPU_PLACEMENT_REFUSED = /fallback to CPU EP has been explicitly disabled/;

/** Nodes whose every output is int64 (shape arithmetic in sppkit's dynamic models), in If's branches too. */
export function int64NodeCount(model: Model): number {
  return nodesDeep(model.graph).filter(
    (node) => node.outputs.length > 0 && node.outputs.every((v) => v.type?.dtype === DataType.INT64),
  ).length;
}

/** The text a GPU backend adds to `Session.provider` when ORT moved shape arithmetic to its CPU EP. */
export function shapeNodesOnCpuNote(shapeNodes: number): string {
  return ` (ORT placed some of the model's ${shapeNodes} int64 shape-arithmetic nodes on the CPU EP)`;
}

/** What `OrtSession` needs of an onnxruntime session; onnxruntime-node's and onnxruntime-web's both fit. */
export interface OrtRuntimeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

/** A `Session` over an onnxruntime session (node or web): checks feeds, converts tensors both ways. */
export class OrtSession implements Session {
  constructor(
    readonly provider: string,
    private readonly backend: BackendName,
    private readonly TensorClass: OrtTensorConstructor,
    private readonly session: OrtRuntimeSession,
    /** How errors name the runtime (`onnxruntime`, `onnxruntime-web`). */
    private readonly runtime = 'onnxruntime',
  ) {}

  async run(feeds: TensorMap): Promise<Map<string, Tensor>> {
    const inputs = this.session.inputNames;
    const ortFeeds: Record<string, OrtTensor> = {};
    for (const [name, tensor] of feeds) {
      if (!inputs.includes(name))
        throw new BackendError(
          this.backend,
          `'${name}' is not an input of the model (its inputs: ${inputs.join(', ')})`,
        );
      ortFeeds[name] = toOrtTensor(this.TensorClass, tensor);
    }
    const missing = inputs.filter((name) => !feeds.has(name));
    if (missing.length > 0)
      throw new BackendError(
        this.backend,
        `missing input(s) ${missing.map((n) => `'${n}'`).join(', ')} (the model's inputs: ${inputs.join(', ')})`,
      );
    let results: Record<string, OrtTensor>;
    try {
      results = await this.session.run(ortFeeds);
    } catch (error) {
      throw ortFailure(this.backend, 'run failed', ortErrorText(error));
    }
    const outputs = new Map<string, Tensor>();
    for (const name of this.session.outputNames) {
      const value = results[name];
      if (value === undefined)
        throw new BackendError(this.backend, `${this.runtime} returned no value for output '${name}'`);
      outputs.set(name, fromOrtTensor(value, name));
    }
    return outputs;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
