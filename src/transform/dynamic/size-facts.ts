/**
 * The size-dependence proof behind `make-dynamic`: with some inputs' H/W made symbolic, track for every value which
 * of its extents follow the input size, and whether its *contents* are literal constants, follow the size (Shape
 * arithmetic), or come from the input data (size-rules.ts). Walking the graph in order, a node none of whose inputs
 * depends on the size computes the same thing at every size; a node some input of which does must be an op with a
 * size rule, and the rule must find no problem (a literal constant standing where a size-dependent extent or index
 * goes). Everything else — an op sppkit does not know, a subgraph, inference that fails with symbolic sizes — is a
 * refusal that names the node. The facts of an accepted graph are returned for the caller's output checks.
 */
import type { Attribute } from '../../ir/attribute.js';
import type { Dim } from '../../ir/dim.js';
import { DataType } from '../../ir/dtype.js';
import type { Graph, Model } from '../../ir/graph.js';
import { isDefaultDomain } from '../../ir/graph.js';
import { sizeOf, type Tensor } from '../../ir/tensor.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import { findOp, inferNode, runNode } from '../../ops/core/registry.js';
import {
  MAX_KNOWN_ELEMENTS,
  propagateShapeValue,
  SHAPE_DTYPES,
  shapeRange,
  shapeValueOfTensor,
  tensorOfShapeValue,
  type ShapeValue,
} from '../../ops/shared/shape-value.js';
import { constantNodeValue } from '../rewrite/helpers.js';
import { SIZE_RULES, type Contents, type SizeFact, type SizeRuleContext } from './size-rules.js';

export type { Contents, SizeFact } from './size-rules.js';

/** True when a symbolic dim's expression mentions one of `names` (as a whole word). */
export function mentions(dim: Dim, names: readonly string[]): boolean {
  return (
    typeof dim !== 'number' &&
    names.some((name) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(dim.key))
  );
}

/** The outcome of the proof: every value's facts, or the node that cannot be proven size-agnostic and why. */
export type SizeProof =
  | { readonly ok: true; readonly facts: ReadonlyMap<Value, SizeFact> }
  | { readonly ok: false; readonly node: Node | undefined; readonly reason: string };

const RANK: Record<Contents, number> = { const: 0, size: 1, data: 2 };

function dependsOnSize(fact: SizeFact | undefined): boolean {
  return fact !== undefined && (fact.shapeSized || fact.contents === 'size');
}

/** Is an extent size-dependent: it mentions a size name; other named dims (batch) are not; else `fallback`. */
function dimSized(dim: Dim, names: readonly string[], fallback: boolean): boolean {
  if (typeof dim === 'number') return false;
  if (mentions(dim, names)) return true;
  if (dim.name !== undefined) return false;
  return fallback;
}

function factOfType(
  type: TensorType | null,
  names: readonly string[],
  contents: Contents,
  fallback: boolean,
  known: { elements?: readonly Dim[]; tensor?: Tensor } = {},
): SizeFact {
  const shape = type?.shape ?? null;
  const sized = shape === null ? null : shape.map((dim) => dimSized(dim, names, fallback));
  return {
    type,
    shape,
    sized,
    shapeSized: sized === null ? fallback : sized.some((s) => s),
    contents,
    ...(known.elements === undefined ? {} : { elements: known.elements }),
    ...(known.tensor === undefined ? {} : { tensor: known.tensor }),
  };
}

function constantFact(tensor: Tensor): SizeFact {
  const elements = shapeValueOfTensor(tensor)?.elements;
  return factOfType({ dtype: tensor.dtype, shape: [...tensor.dims] }, [], 'const', false, {
    tensor,
    ...(elements === undefined ? {} : { elements }),
  });
}

/** Values a node's subgraphs read from enclosing graphs (they are inputs too, for the proof). */
function outerReads(node: Node, graph: Graph): Value[] {
  const reads: Value[] = [];
  const visit = (attribute: Attribute): void => {
    const graphs = attribute.kind === 'graph' ? [attribute.value] : attribute.kind === 'graphs' ? attribute.value : [];
    for (const body of graphs)
      for (const inner of body.nodes) {
        for (const input of inner.inputs) if (input !== null && input.graph === graph) reads.push(input);
        for (const nested of inner.attributes.values()) visit(nested);
      }
  };
  for (const attribute of node.attributes.values()) visit(attribute);
  return reads;
}

/** The facts one proof run builds, in graph order. */
class SizeFacts {
  readonly facts = new Map<Value, SizeFact>();

  constructor(
    readonly model: Model,
    readonly names: readonly string[],
  ) {}

  of(value: Value | null | undefined): SizeFact | undefined {
    if (value === null || value === undefined) return undefined;
    const known = this.facts.get(value);
    if (known !== undefined) return known;
    if (value.constValue !== null && !value.isGraphInput()) return constantFact(value.constValue);
    // A graph input that stays fixed, or a value not computed yet: what it declares, as data.
    return factOfType(value.type, this.names, 'data', false);
  }

  tensorOf(value: Value | null | undefined): Tensor | undefined {
    const fact = this.of(value);
    if (fact?.tensor !== undefined) return fact.tensor;
    if (fact?.contents !== 'const' || fact.elements === undefined || value === null || value === undefined)
      return undefined;
    const dtype = fact.type?.dtype ?? DataType.INT64;
    const dims = fact.type?.shape?.length === 0 ? [] : [fact.elements.length];
    return tensorOfShapeValue({ dims, elements: fact.elements }, dtype);
  }

  shapeValueOf(value: Value | null | undefined): ShapeValue | undefined {
    const fact = this.of(value);
    if (fact?.elements === undefined) return undefined;
    return { dims: fact.type?.shape?.length === 0 ? [] : [fact.elements.length], elements: fact.elements };
  }

  /** Records the outputs of `node`; returns a refusal, or undefined. */
  record(node: Node): string | undefined {
    const opset = this.model.opset;
    const inputs = node.inputs.map((value) => this.of(value));
    const sizedIn =
      inputs.some(dependsOnSize) || outerReads(node, this.model.graph).some((value) => dependsOnSize(this.of(value)));
    if (node.opType === 'Constant' && isDefaultDomain(node.domain)) {
      const tensor = constantNodeValue(node.attributes);
      node.outputs.forEach((output) =>
        this.facts.set(
          output,
          tensor === undefined ? factOfType(output.type, [], 'const', false) : constantFact(tensor),
        ),
      );
      return undefined;
    }
    const contents = inputs.reduce<Contents>(
      (worst, fact) => (fact !== undefined && RANK[fact.contents] > RANK[worst] ? fact.contents : worst),
      'const',
    );
    const declared = (): void =>
      node.outputs.forEach((output) => this.facts.set(output, factOfType(output.type, this.names, contents, sizedIn)));
    const sizedInput = node.inputs.find((value) => dependsOnSize(this.of(value)));
    const culprit = sizedInput === undefined || sizedInput === null ? 'a value' : `'${sizedInput.name}'`;
    const op = findOp(node.domain, node.opType);
    if (op === undefined) {
      if (sizedIn)
        return (
          `${node.label()}: op ${node.domain === '' ? '' : `${node.domain}.`}${node.opType} is unknown to sppkit ` +
          `and its input ${culprit} follows the input size: nothing proves it computes the same function at every size`
        );
      declared();
      return undefined;
    }
    let types: (TensorType | null)[];
    try {
      types = inferNode(
        node,
        opset,
        inputs.map((fact) => fact?.type ?? null),
        node.outputs.length,
        (i) => this.tensorOf(node.inputs[i]),
        (i) => this.shapeValueOf(node.inputs[i])?.elements,
      );
    } catch (error) {
      if (sizedIn) return `${error instanceof Error ? error.message : String(error)} (with H, W dynamic)`;
      declared();
      return undefined;
    }
    if (sizedIn) {
      const rule = SIZE_RULES[node.opType];
      if (rule === undefined)
        return (
          `${node.label()}: sppkit has no size rule for ${node.opType}, and its input ${culprit} follows the input ` +
          `size: it cannot prove the node computes the same function at every size`
        );
      const ctx: SizeRuleContext = {
        node,
        opset,
        fact: (index) => inputs[index],
        value: (index) => node.inputs[index] ?? undefined,
      };
      const problem = rule(ctx);
      if (problem !== undefined) return problem;
    }
    node.outputs.forEach((output, index) => {
      const type = types[index] ?? output.type;
      this.facts.set(output, this.outputFact(node, index, type, inputs, contents, sizedIn));
    });
    return undefined;
  }

  outputFact(
    node: Node,
    index: number,
    type: TensorType | null,
    inputs: readonly (SizeFact | undefined)[],
    contents: Contents,
    sizedIn: boolean,
  ): SizeFact {
    const names = this.names;
    let kind = contents;
    const source = inputs[0];
    if (node.opType === 'Shape' && source !== undefined) {
      const rank = source.sized?.length;
      const start = node.attributes.get('start');
      const end = node.attributes.get('end');
      const range =
        rank === undefined
          ? undefined
          : shapeRange(
              rank,
              start?.kind === 'int' ? Number(start.value) : 0,
              end?.kind === 'int' ? Number(end.value) : undefined,
            );
      const sized =
        range === undefined ? source.shapeSized : source.sized?.slice(range.start, range.end).some((s) => s);
      kind = sized === true ? 'size' : 'const';
    } else if (node.opType === 'Size' && source !== undefined) kind = source.shapeSized ? 'size' : 'const';
    let elements: readonly Dim[] | undefined;
    if (index === 0 && node.outputs.length === 1 && type !== null && SHAPE_DTYPES.includes(type.dtype)) {
      const value = propagateShapeValue(
        node,
        this.model.opset,
        node.inputs.map((v) => this.shapeValueOf(v)),
        inputs.map((fact) => fact?.type ?? null),
        type,
      );
      if (value !== undefined && value.elements.length <= MAX_KNOWN_ELEMENTS) {
        elements = value.elements;
        kind = elements.some((dim) => dimSized(dim, names, sizedIn)) ? 'size' : 'const';
      }
    }
    const tensor = kind === 'const' ? this.fold(node, index, type) : undefined;
    return factOfType(type, names, kind, sizedIn, {
      ...(elements === undefined ? {} : { elements }),
      ...(tensor === undefined ? {} : { tensor }),
    });
  }

  /** Runs a node whose inputs are all known constants, when its output is small. */
  fold(node: Node, index: number, type: TensorType | null): Tensor | undefined {
    const shape = type?.shape;
    if (shape === null || shape === undefined || !shape.every((d): d is number => typeof d === 'number')) return;
    if (sizeOf(shape) > MAX_KNOWN_ELEMENTS) return undefined;
    const tensors: (Tensor | null)[] = [];
    for (const value of node.inputs) {
      const tensor = value === null ? null : this.tensorOf(value);
      if (tensor === undefined) return undefined;
      tensors.push(tensor);
    }
    try {
      return runNode(node, this.model.opset, tensors, node.outputs.length)[index];
    } catch {
      // A kernel that refuses these inputs leaves the value unfolded; the model's own run will say why.
      return undefined;
    }
  }
}

/**
 * Proves that `model`, with the inputs of `symbolic` given those types (their H/W named by `names`), computes the
 * same function at every size — or returns the first node for which that cannot be proven, and why.
 */
export function proveSizeAgnostic(
  model: Model,
  symbolic: ReadonlyMap<Value, TensorType>,
  names: readonly string[],
): SizeProof {
  const state = new SizeFacts(model, names);
  for (const [input, type] of symbolic) state.facts.set(input, factOfType(type, names, 'data', false));
  for (const node of model.graph.nodes) {
    const problem = state.record(node);
    if (problem !== undefined) return { ok: false, node, reason: problem };
  }
  return { ok: true, facts: state.facts };
}
