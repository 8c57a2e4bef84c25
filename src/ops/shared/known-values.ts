/**
 * What shape inference knows of a graph's values beyond their types, built node by node in graph order:
 * folded tensors (every input known, outputs small and static: the node is run with its reference kernel) and
 * symbolic shape values (shape-value.ts). Used by the infer-shapes pass to answer `ctx.constant(i)` and
 * `ctx.shapeValue(i)`.
 */
import type { Dim } from '../../ir/dim.js';
import { foldingLimits } from '../../ir/limits.js';
import { sizeOf, type Tensor } from '../../ir/tensor.js';
import type { Node, Value } from '../../ir/value.js';
import { runNode } from '../core/registry.js';
import {
  MAX_KNOWN_ELEMENTS,
  propagateShapeValue,
  SHAPE_DTYPES,
  shapeValueOfTensor,
  tensorOfShapeValue,
  type ShapeValue,
} from './shape-value.js';

/** What folding one node during inference may take (small outputs, little work). */
const FOLDING = foldingLimits(MAX_KNOWN_ELEMENTS);

/** True when every output of a node has a static shape with at most MAX_KNOWN_ELEMENTS elements. */
function smallStaticOutputs(node: Node): boolean {
  return node.outputs.every((output) => {
    const shape = output.type?.shape;
    return (
      shape !== null &&
      shape !== undefined &&
      shape.every((dim) => typeof dim === 'number') &&
      sizeOf(shape.map(Number)) <= MAX_KNOWN_ELEMENTS
    );
  });
}

/** The known tensors and shape values of one shape-inference run over a graph (in node order). */
export class KnownValues {
  readonly #tensors = new Map<Value, Tensor>();
  readonly #values = new Map<Value, ShapeValue>();

  /** The known tensor of a value: an initializer's (not an overridable graph input) or one folded so far. */
  tensor(value: Value | null | undefined): Tensor | undefined {
    if (value === null || value === undefined) return undefined;
    if (value.constValue !== null) return value.isGraphInput() ? undefined : value.constValue;
    return this.#tensors.get(value);
  }

  /** The elements of a value as dims, when it is a known small rank-0/1 integer value. */
  elements(value: Value | null | undefined): readonly Dim[] | undefined {
    return this.#shapeValue(value)?.elements;
  }

  #shapeValue(value: Value | null | undefined): ShapeValue | undefined {
    if (value === null || value === undefined) return undefined;
    const known = this.#values.get(value);
    if (known !== undefined) return known;
    const tensor = this.tensor(value);
    return tensor === undefined ? undefined : shapeValueOfTensor(tensor);
  }

  /** Records what is known of a node's outputs, once their types are inferred. Never throws. */
  record(node: Node, opset: number): void {
    const inputs = node.inputs.map((value) => (value === null ? null : this.tensor(value)));
    if (inputs.every((tensor) => tensor !== undefined) && smallStaticOutputs(node)) {
      try {
        const outputs = runNode(node, opset, inputs, node.outputs.length, { limits: FOLDING });
        node.outputs.forEach((output, index) => {
          const tensor = outputs[index];
          if (tensor !== undefined) this.#tensors.set(output, tensor);
        });
        return;
      } catch {
        // A kernel that cannot run here (bad data, unsupported case) leaves the outputs unknown; the
        // reference evaluator reports the problem when the model runs.
      }
    }
    const output = node.outputs[0];
    if (
      output === undefined ||
      node.outputs.length !== 1 ||
      output.type === null ||
      !SHAPE_DTYPES.includes(output.type.dtype)
    )
      return;
    const value = propagateShapeValue(
      node,
      opset,
      node.inputs.map((v) => this.#shapeValue(v)),
      node.inputs.map((v) => v?.type ?? null),
      output.type,
    );
    if (value === undefined || value.elements.length > MAX_KNOWN_ELEMENTS) return;
    this.#values.set(output, value);
    const tensor = tensorOfShapeValue(value, output.type.dtype);
    if (tensor !== undefined) this.#tensors.set(output, tensor);
  }
}
