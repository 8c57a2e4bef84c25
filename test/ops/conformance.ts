/**
 * What conformance-{a,b,c}.test.ts share: where the ONNX backend node tests live (../shared/golden/onnx-node), which
 * ops batches A and B cover, how their single-node cases are loaded and compared, and the test body that runs a
 * case's data sets through the reference evaluator (checking shape inference too where asked).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel, decodeTensor } from '../../src/export/index.js';
import { DataType, dtypeName } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ir/tensor.js';
import { inferNode } from '../../src/ops/core/registry.js';
import { evaluate } from '../../src/runtime/reference.js';
import { SHARED_GOLDEN } from '../shared.js';

/** ONNX's backend node tests: one folder per case, each with model.onnx and test_data_set_N/. */
export const ONNX_NODE_ROOT = path.join(SHARED_GOLDEN, 'onnx-node');

/** Ops covered by conformance-a.test.ts (elementwise and tensor manipulation). */
export const BATCH_A: ReadonlySet<string> = new Set([
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'Min',
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'Exp',
  'Ceil',
  'Floor',
  'Softmax',
  'Cast',
  'Concat',
  'Flatten',
  'Reshape',
  'Shape',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Slice',
  'Transpose',
  'Split',
  'Range',
  'Pad',
  'Identity',
]);

/** Ops covered by conformance-b.test.ts (pooling, Conv, BatchNormalization, Reduce*, Gemm, MatMul, Resize). */
export const BATCH_B: ReadonlySet<string> = new Set([
  'AveragePool',
  'MaxPool',
  'LpPool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'GlobalLpPool',
  'Conv',
  'BatchNormalization',
  'ReduceMax',
  'ReduceMean',
  'ReduceSum',
  'Gemm',
  'MatMul',
  'Resize',
]);

/** A float tolerance: |got - want| <= atol + rtol * |want|. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** A comparison of one output: a description of the first difference, or undefined when it matches. */
export type Compare = (got: Tensor, want: Tensor) => string | undefined;

/** One single-node golden case with its decoded model. */
export interface NodeCase {
  readonly name: string;
  readonly opType: string;
  readonly model: Model;
}

/**
 * Reads a file into a fresh Uint8Array. decodeTensor once misread raw_data from a Node Buffer that is a view into a
 * larger pool; a plain copy sidesteps that.
 */
export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** True when the cases are present; otherwise warns, naming the test file (`tag`) and what it skips. */
export function haveNodeCases(tag: string, skipped: string): boolean {
  const present = existsSync(ONNX_NODE_ROOT);
  if (!present) console.warn(`${tag}: ${ONNX_NODE_ROOT} is absent; skipping ${skipped}`);
  return present;
}

/** The golden cases, sorted by name, whose model has a single node with an op type that `pick` accepts. */
export function loadNodeCases(pick: (opType: string) => boolean): NodeCase[] {
  if (!existsSync(ONNX_NODE_ROOT)) return [];
  return readdirSync(ONNX_NODE_ROOT)
    .filter((name) => name.startsWith('test_') && existsSync(path.join(ONNX_NODE_ROOT, name, 'model.onnx')))
    .sort()
    .flatMap((name) => {
      const file = path.join(ONNX_NODE_ROOT, name, 'model.onnx');
      const model = decodeModel(readBytes(file), file);
      const opType = model.graph.nodes[0]?.opType ?? '';
      return model.graph.nodes.length === 1 && pick(opType) ? [{ name, opType, model }] : [];
    });
}

/** The default float tolerance by dtype: float32 1e-7 + 1e-6 rel, float64 1e-12 + 1e-12 rel, halves looser. */
export const FLOAT_TOLERANCE: Partial<Record<DataType, Tolerance>> = {
  [DataType.FLOAT]: { atol: 1e-7, rtol: 1e-6 },
  [DataType.DOUBLE]: { atol: 1e-12, rtol: 1e-12 },
  [DataType.FLOAT16]: { atol: 1e-3, rtol: 1e-3 },
  [DataType.BFLOAT16]: { atol: 1e-2, rtol: 1e-2 },
};

/**
 * A description of the first difference, or undefined when `got` matches `want`: integers, bool and strings
 * exactly; floats within FLOAT_TOLERANCE of their dtype, or within `floatOverride` when given; NaN must match NaN.
 */
export function mismatch(got: Tensor, want: Tensor, floatOverride?: Tolerance): string | undefined {
  if (got.dtype !== want.dtype) return `dtype ${dtypeName(got.dtype)} vs ${dtypeName(want.dtype)}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `shape [${got.dims.join(', ')}] vs [${want.dims.join(', ')}]`;
  if (Array.isArray(want.data))
    return want.data.every((s, i) => s === got.data[i]) ? undefined : 'string elements differ';
  const floatTolerance = FLOAT_TOLERANCE[want.dtype];
  const tolerance = floatTolerance === undefined ? undefined : (floatOverride ?? floatTolerance);
  if (tolerance === undefined) {
    // Integers (int64 compared as BigInt, exactly) and bool.
    for (let i = 0; i < want.size; i += 1) {
      if (got.data[i] !== want.data[i]) return `element ${i}: got ${String(got.data[i])}, want ${String(want.data[i])}`;
    }
    return undefined;
  }
  const a = got.toNumbers();
  const b = want.toNumbers();
  for (let i = 0; i < b.length; i += 1) {
    const x = a[i] ?? NaN;
    const y = b[i] ?? NaN;
    const ok = Number.isNaN(y)
      ? Number.isNaN(x)
      : x === y || Math.abs(x - y) <= tolerance.atol + tolerance.rtol * Math.abs(y);
    if (!ok) return `element ${i}: got ${x}, want ${y}`;
  }
  return undefined;
}

/** Shape inference, given the fed tensors as both types and constants, must predict the node's outputs exactly. */
function expectInferredOutputs(model: Model, feeds: ReadonlyMap<string, Tensor>, results: Map<string, Tensor>): void {
  const node = model.graph.nodes[0];
  if (node === undefined) return;
  const inputs = node.inputs.map((value) => (value === null ? undefined : feeds.get(value.name)));
  const types = inputs.map((t) => (t === undefined ? null : { dtype: t.dtype, shape: t.dims }));
  const inferred = inferNode(node, model.opset, types, node.outputs.length, (i) => inputs[i]);
  node.outputs.forEach((value, j) => {
    const got = results.get(value.name);
    expect(inferred[j]?.dtype, `inferred dtype of '${value.name}'`).toBe(got?.dtype);
    expect(inferred[j]?.shape, `inferred shape of '${value.name}'`).toEqual(got?.dims);
  });
}

/**
 * Runs every test_data_set_N of the case in `dir` through the reference evaluator and compares each output with the
 * stored one; with `inferShapes`, also checks shape inference against what the evaluator produced.
 */
export function checkDataSets(dir: string, model: Model, compare: Compare, inferShapes: boolean): void {
  const sets = readdirSync(dir)
    .filter((set) => set.startsWith('test_data_set_'))
    .sort();
  expect(sets.length).toBeGreaterThan(0);
  for (const set of sets) {
    const feeds = new Map<string, Tensor>();
    model.graph.inputs.forEach((input, i) => {
      const file = path.join(dir, set, `input_${i}.pb`);
      if (existsSync(file)) feeds.set(input.name, decodeTensor(readBytes(file), file).tensor);
    });
    const results = evaluate(model, feeds);
    if (inferShapes) expectInferredOutputs(model, feeds, results);
    model.graph.outputs.forEach((output, j) => {
      const file = path.join(dir, set, `output_${j}.pb`);
      const want = decodeTensor(readBytes(file), file).tensor;
      const got = results.get(output.name);
      expect(got, `output ${output.name}`).toBeDefined();
      if (got !== undefined) expect(compare(got, want), `${set} output '${output.name}'`).toBeUndefined();
    });
  }
}

/**
 * One test per case (named with its op type and opset) that checks its data sets and shape inference, comparing
 * with `compareFor(opType)`; prints a passed/total tally per op, headed by `tag`, when the suite is done.
 */
export function describeNodeCases(
  title: string,
  tag: string,
  cases: readonly NodeCase[],
  compareFor: (opType: string) => Compare,
): void {
  const tally = new Map<string, { pass: number; total: number }>();
  describe.skipIf(cases.length === 0)(title, () => {
    afterAll(() => {
      const lines = [...tally]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([op, t]) => `  ${op.padEnd(10)} ${t.pass}/${t.total}`);
      console.info(`${tag}, passed/total per op:\n${lines.join('\n')}`);
    });

    for (const { name, opType, model } of cases) {
      it(`${name} (${opType}, opset ${model.opset})`, () => {
        const entry = tally.get(opType) ?? { pass: 0, total: 0 };
        entry.total += 1;
        tally.set(opType, entry);
        checkDataSets(path.join(ONNX_NODE_ROOT, name), model, compareFor(opType), true);
        entry.pass += 1;
      });
    }
  });
}
