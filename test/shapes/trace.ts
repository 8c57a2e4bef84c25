/**
 * Test helper: runs a model with the reference kernels and keeps every value's tensor (inputs, initializers and
 * every node output), then checks inferred types against the actual shapes with one set of symbol bindings.
 */
import type { Dim } from '../../src/ir/dim.js';
import { formatShape } from '../../src/ir/dim.js';
import type { Model } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { runNode } from '../../src/ops/core/registry.js';

/** Every value of `model` with the tensor it held when run on `feeds`. */
export function traceModel(model: Model, feeds: ReadonlyMap<string, Tensor>): Map<Value, Tensor> {
  const env = new Map<Value, Tensor>();
  for (const value of model.graph.initializers.values())
    if (value.constValue !== null) env.set(value, value.constValue);
  for (const input of model.graph.inputs) {
    const tensor = feeds.get(input.name) ?? input.constValue ?? undefined;
    if (tensor !== undefined) env.set(input, tensor);
  }
  for (const node of model.graph.nodes) {
    const inputs = node.inputs.map((value) => (value === null ? null : (env.get(value) ?? null)));
    const outputs = runNode(node, model.opset, inputs, node.outputs.length);
    node.outputs.forEach((value, index) => {
      const tensor = outputs[index];
      if (tensor !== undefined) env.set(value, tensor);
    });
  }
  return env;
}

/** What comparing inferred shapes with actual ones found. */
export interface ShapeAudit {
  /** Values with no type or an unknown rank. */
  readonly untyped: string[];
  /** Disagreements (rank, a known dim, a named dim bound to two sizes, an expression that evaluates wrong). */
  readonly mismatches: string[];
  /** Dims checked: known numbers, named symbols, evaluated expressions; and dims left unknown. */
  readonly counts: { numbers: number; named: number; expressions: number; unknown: number };
  /** Symbol bindings found (`H` → 13). */
  readonly bindings: Map<string, number>;
}

/**
 * Checks every traced value's inferred type against its tensor. Named dims are bound once, for the whole model
 * (graph inputs first, then in node order), so `H` must mean the same size everywhere; other symbolic
 * expressions are evaluated under those bindings.
 */
export function auditShapes(model: Model, env: ReadonlyMap<Value, Tensor>): ShapeAudit {
  const untyped: string[] = [];
  const mismatches: string[] = [];
  const counts = { numbers: 0, named: 0, expressions: 0, unknown: 0 };
  const bindings = new Map<string, number>();
  const values: Value[] = [...model.graph.inputs, ...model.graph.nodes.flatMap((node) => node.outputs)];
  const checked: { value: Value; shape: readonly Dim[]; tensor: Tensor }[] = [];
  for (const value of values) {
    const tensor = env.get(value);
    if (tensor === undefined) continue;
    const shape = value.type?.shape;
    if (value.type === null || shape === null || shape === undefined) {
      const missing = value.type === null ? 'no type' : 'an unknown rank';
      untyped.push(`'${value.name}' has ${missing} (actual [${tensor.dims.join(', ')}])`);
      continue;
    }
    if (shape.length !== tensor.dims.length) {
      mismatches.push(`'${value.name}': inferred ${formatShape(shape)}, actual [${tensor.dims.join(', ')}]`);
      continue;
    }
    shape.forEach((dim, axis) => {
      const name = typeof dim === 'number' ? undefined : dim.name;
      const actual = tensor.dims[axis] ?? -1;
      if (name === undefined) return;
      const bound = bindings.get(name);
      if (bound === undefined) bindings.set(name, actual);
      else if (bound !== actual)
        mismatches.push(`'${value.name}' axis ${axis}: ${name} is ${actual} here but ${bound} elsewhere`);
    });
    checked.push({ value, shape, tensor });
  }
  for (const { value, shape, tensor } of checked) {
    shape.forEach((dim, axis) => {
      const actual = tensor.dims[axis] ?? -1;
      if (typeof dim === 'number') {
        counts.numbers += 1;
        if (dim !== actual)
          mismatches.push(
            `'${value.name}' axis ${axis}: inferred ${dim}, actual ${actual} ` +
              `(${formatShape(shape)} vs [${tensor.dims.join(', ')}])`,
          );
      } else if (dim.name !== undefined) counts.named += 1;
      else if (dim.isUnknown) counts.unknown += 1;
      else {
        const evaluated = dim.evaluate(bindings);
        if (evaluated === undefined) counts.unknown += 1;
        else {
          counts.expressions += 1;
          if (evaluated !== actual)
            mismatches.push(
              `'${value.name}' axis ${axis}: ${dim.toString()} evaluates to ${evaluated}, actual ${actual}`,
            );
        }
      }
    });
  }
  return { untyped, mismatches, counts, bindings };
}
