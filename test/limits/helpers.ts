/**
 * Small hand-made models for the limit tests, built with the IR (the builder would refuse most of them).
 */
import { Attr, type Attribute } from '../../src/ir/attribute.js';
import type { Dim } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph, Model } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ir/tensor.js';

/** One node of a test model: op type, input names (null for omitted), output names, attributes. */
export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly (string | null)[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, Attribute>>;
}

/** A model spec: typed inputs, initializers, nodes in order, outputs (with an optional declared type). */
export interface ModelSpec {
  readonly opset?: number;
  readonly inputs?: readonly { name: string; dtype?: DataType; shape: readonly Dim[] }[];
  readonly inits?: Readonly<Record<string, Tensor>>;
  readonly nodes: readonly NodeSpec[];
  readonly outputs: readonly { name: string; dtype?: DataType; shape?: readonly Dim[] }[];
}

/** Builds the model a spec describes (nodes named `<op>_<index>`). */
export function model(spec: ModelSpec): Model {
  const graph = new Graph('limits');
  for (const input of spec.inputs ?? [])
    graph.addInput(input.name, { dtype: input.dtype ?? DataType.FLOAT, shape: input.shape });
  for (const [name, tensor] of Object.entries(spec.inits ?? {})) graph.addInitializer(name, tensor);
  spec.nodes.forEach((node, index) => {
    graph.addNode({
      opType: node.op,
      name: `${node.op}_${index}`,
      inputs: node.inputs.map((name) => (name === null ? null : (graph.lookup(name) ?? null))),
      outputs: node.outputs,
      attributes: new Map(Object.entries(node.attrs ?? {})),
    });
  });
  for (const output of spec.outputs) {
    const value = graph.lookup(output.name);
    if (value === undefined) throw new Error(`test model: unknown output '${output.name}'`);
    value.type = { dtype: output.dtype ?? DataType.FLOAT, shape: output.shape ?? null };
    graph.addOutput(value);
  }
  const result = new Model(graph, spec.opset ?? 17);
  result.irVersion = 8;
  return result;
}

/** A pooling node's attributes from plain values. */
export function poolAttrs(values: {
  kernel: readonly number[];
  pads?: readonly number[];
  strides?: readonly number[];
  autoPad?: string;
  countIncludePad?: number;
}): Record<string, Attribute> {
  return {
    kernel_shape: Attr.ints(values.kernel),
    ...(values.pads === undefined ? {} : { pads: Attr.ints(values.pads) }),
    ...(values.strides === undefined ? {} : { strides: Attr.ints(values.strides) }),
    ...(values.autoPad === undefined ? {} : { auto_pad: Attr.string(values.autoPad) }),
    ...(values.countIncludePad === undefined ? {} : { count_include_pad: Attr.int(values.countIncludePad) }),
  };
}

/** Milliseconds `run` takes. */
export function elapsed(run: () => void): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** The error `run` throws (fails the test when it throws nothing). */
export function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}
