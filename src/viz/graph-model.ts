/**
 * What a graph picture shows, before layout: one box per node (op type, name, compact attributes, the
 * initializers it consumes folded in as lines), one box per graph input and output, and one edge per use of a
 * value, labelled with its type. Subgraphs (If/Loop/Scan bodies) stay collapsed into a line of their node's box.
 *
 * Types come from the file and from sppkit's shape inference, run tolerantly: a node whose op sppkit does not
 * know (or whose inference fails) leaves its outputs as the file declares them, and the nodes after it are still
 * inferred. The model is left as it was: inferred types are read out and the declared ones put back.
 */
import { SppkitError } from '../ir/errors.js';
import { isDefaultDomain, type Graph, type Model } from '../ir/graph.js';
import type { Node, TensorType, Value } from '../ir/value.js';
import { KnownValues } from '../ops/shared/known-values.js';
import { inputsAt } from '../ops/core/op.js';
import { findOp } from '../ops/core/registry.js';
import { inferNodeTypes, mergeTypes } from '../transform/passes/infer-shapes.js';
import { formatAttributeCompact, formatEdgeType, formatTensorSummary, LEADING_ATTRIBUTES } from './graph-labels.js';

/** What a box stands for; it sets the box's shape and colours. */
export type BoxKind = 'op' | 'input' | 'output';

/** The role of a line in a box, which sets its font. */
export type LineRole = 'title' | 'name' | 'attribute' | 'initializer' | 'note';

/** One line of text in a box. */
export interface BoxLine {
  readonly text: string;
  readonly role: LineRole;
}

/** A box of the picture. */
export interface DisplayBox {
  /** Stable id within the picture (`n3` for the fourth node, `in0`, `out1`). */
  readonly id: string;
  readonly kind: BoxKind;
  /** The op type for nodes (`Conv`, or `domain::Op` outside the default domain); `input` / `output` otherwise. */
  readonly opType: string;
  readonly lines: readonly BoxLine[];
  /** Full text for the hover title (names untruncated, inference notes). */
  readonly tooltip: string;
}

/** An edge: one use of a value, from its producer's box to its consumer's box. */
export interface DisplayEdge {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** The value's type (`float32[N, 256, H, W]`, or `?`). */
  readonly label: string;
  readonly valueName: string;
  /** True when a subgraph of the consumer reads the value (drawn dashed: there is no input slot for it). */
  readonly captured: boolean;
}

/** A graph ready for layout. */
export interface DisplayGraph {
  readonly name: string;
  readonly boxes: readonly DisplayBox[];
  readonly edges: readonly DisplayEdge[];
  /** How many initializers the graph has (drawn inside their consumers' boxes, not as boxes). */
  readonly initializerCount: number;
  /** How many Constant nodes were drawn inside their consumers' boxes. */
  readonly foldedConstantCount: number;
}

/** Options of `displayGraph`. */
export interface DisplayOptions {
  /** Infer types before drawing (default true). */
  readonly inferShapes?: boolean;
  /**
   * Draw `Constant` nodes inside the boxes of the nodes that use them, like initializers (default true): exporters
   * emit dozens of them, each with a long edge to its one consumer.
   */
  readonly foldConstants?: boolean;
}

/** Types of every value of the top-level graph after tolerant inference, and why inference stopped at a node. */
interface InferredTypes {
  readonly types: ReadonlyMap<Value, TensorType | null>;
  readonly notes: ReadonlyMap<Node, string>;
}

/**
 * Infers the graph's types node by node, skipping (with a note) the nodes sppkit cannot infer, then restores the
 * declared types so the model is unchanged.
 */
export function inferTypesTolerantly(model: Model): InferredTypes {
  const graph = model.graph;
  const declared = new Map<Value, TensorType | null>();
  for (const node of graph.nodes) for (const output of node.outputs) declared.set(output, output.type);
  const types = new Map<Value, TensorType | null>();
  const notes = new Map<Node, string>();
  const known = new KnownValues();
  try {
    for (const node of graph.nodes) {
      let inferred: readonly (TensorType | null)[] = [];
      try {
        inferred = inferNodeTypes(node, model.opset, undefined, known);
      } catch (error) {
        // Unknown ops and nodes whose inference fails keep their declared types; the picture says why in the tooltip.
        notes.set(node, error instanceof SppkitError ? error.message : `shape inference failed: ${String(error)}`);
      }
      node.outputs.forEach((output, index) => {
        const merged = mergeTypes(output.type, inferred[index] ?? null);
        if (merged === undefined) {
          notes.set(node, `output '${output.name}': the file declares one type, inference gives another`);
        } else output.type = merged;
      });
      known.record(node, model.opset);
    }
    for (const value of graph.values()) types.set(value, value.type);
  } finally {
    for (const [value, type] of declared) value.type = type;
  }
  return { types, notes };
}

/** Node count of a graph and its subgraphs. */
function countNodes(graph: Graph): number {
  let count = 0;
  for (const node of graph.nodes) {
    count += 1;
    for (const attribute of node.attributes.values()) {
      if (attribute.kind === 'graph') count += countNodes(attribute.value);
      if (attribute.kind === 'graphs') for (const sub of attribute.value) count += countNodes(sub);
    }
  }
  return count;
}

/** The values of `outer` that the subgraphs of `node` read, each once, in order of first use. */
function capturedValues(node: Node, outer: Graph): Value[] {
  const found = new Set<Value>();
  const visit = (graph: Graph): void => {
    for (const inner of graph.nodes) {
      for (const value of inner.inputs) if (value !== null && value.graph === outer) found.add(value);
      for (const attribute of inner.attributes.values()) {
        if (attribute.kind === 'graph') visit(attribute.value);
        if (attribute.kind === 'graphs') attribute.value.forEach(visit);
      }
    }
  };
  for (const attribute of node.attributes.values()) {
    if (attribute.kind === 'graph') visit(attribute.value);
    if (attribute.kind === 'graphs') attribute.value.forEach(visit);
  }
  return [...found];
}

/** The formal name of input slot `index` of a node (`W` for Conv's second input), or `in<index>`. */
function slotName(node: Node, opset: number, index: number): string {
  const op = findOp(node.domain, node.opType);
  if (op === undefined) return `in${index}`;
  const formal = inputsAt(op, opset);
  const direct = formal[index];
  if (direct !== undefined) return direct.name;
  const last = formal[formal.length - 1];
  return last?.variadic === true ? last.name : `in${index}`;
}

function opLabel(node: Node): string {
  return isDefaultDomain(node.domain) ? node.opType : `${node.domain}::${node.opType}`;
}

/** Attribute text of a node, one item per attribute (joined into lines by the renderer). */
function attributeItems(node: Node): string[] {
  const rank = (name: string): number => {
    const at = LEADING_ATTRIBUTES.indexOf(name);
    return at < 0 ? LEADING_ATTRIBUTES.length : at;
  };
  // A stable sort: the leading attributes first, the others in the file's order.
  const ordered = [...node.attributes].sort(([a], [b]) => rank(a) - rank(b));
  return ordered.flatMap(([name, attribute]) => {
    const text = formatAttributeCompact(name, attribute, countNodes);
    return text === undefined ? [] : [text];
  });
}

/** The value of a foldable Constant node as a box line (`= [1, 2]`, `⟨32×1⟩`); undefined when not foldable. */
function foldedConstant(node: Node, graph: Graph): string | undefined {
  const [output] = node.outputs;
  if (node.opType !== 'Constant' || !isDefaultDomain(node.domain) || node.inputs.length > 0) return undefined;
  if (output === undefined || node.outputs.length !== 1 || graph.outputs.includes(output)) return undefined;
  // Only where every reader is a node of this graph: a value a subgraph reads keeps its box and its edge.
  if (output.consumers().some((consumer) => consumer.graph !== graph)) return undefined;
  const [entry] = [...node.attributes];
  if (entry === undefined || node.attributes.size !== 1) return undefined;
  const [name, attribute] = entry;
  if (attribute.kind === 'tensor') return formatTensorSummary(attribute.value);
  const text = formatAttributeCompact(name, attribute, countNodes);
  return text === undefined ? undefined : `${name === 'value' ? '' : `(${name}) `}${text.slice(name.length + 1)}`;
}

/** Builds the boxes and edges of a model's top-level graph. */
export function displayGraph(model: Model, options: DisplayOptions = {}): DisplayGraph {
  const graph = model.graph;
  const inferred: InferredTypes =
    options.inferShapes === false ? { types: new Map(), notes: new Map() } : inferTypesTolerantly(model);
  const typeOf = (value: Value): TensorType | null => inferred.types.get(value) ?? value.type;
  const boxes: DisplayBox[] = [];
  const edges: DisplayEdge[] = [];
  const boxOfValue = new Map<Value, string>();
  const isInitializer = (value: Value): boolean => graph.initializers.get(value.name) === value;

  graph.inputs
    .filter((value) => !isInitializer(value))
    .forEach((value, index) => {
      const id = `in${index}`;
      boxOfValue.set(value, id);
      boxes.push({
        id,
        kind: 'input',
        opType: 'input',
        lines: [
          { text: value.name, role: 'title' },
          { text: formatEdgeType(typeOf(value)), role: 'name' },
        ],
        tooltip: `graph input '${value.name}': ${formatEdgeType(typeOf(value))}`,
      });
    });

  // Constant nodes drawn inside their consumers, by output value.
  const folded = new Map<Value, { readonly text: string; readonly node: Node }>();
  if (options.foldConstants !== false) {
    for (const node of graph.nodes) {
      const text = foldedConstant(node, graph);
      const [output] = node.outputs;
      if (text !== undefined && output !== undefined) folded.set(output, { text, node });
    }
  }
  // Every node output first, so that a graph whose nodes are out of order still gets all its edges.
  graph.nodes.forEach((node, index) => node.outputs.forEach((output) => boxOfValue.set(output, `n${index}`)));
  graph.nodes.forEach((node, index) => {
    const id = `n${index}`;
    const [output] = node.outputs;
    if (output !== undefined && folded.has(output)) return;
    const lines: BoxLine[] = [{ text: opLabel(node), role: 'title' }];
    if (node.name !== '') lines.push({ text: node.name, role: 'name' });
    for (const item of attributeItems(node)) lines.push({ text: item, role: 'attribute' });
    const tooltipLines = [`${opLabel(node)} node '${node.name || '<unnamed>'}'`];
    node.inputs.forEach((value, slot) => {
      if (value === null) return;
      const constant = folded.get(value);
      if (constant !== undefined) {
        lines.push({ text: `${slotName(node, model.opset, slot)} ${constant.text}`, role: 'initializer' });
        tooltipLines.push(`input ${slot}: ${constant.node.label()} ${formatEdgeType(typeOf(value))}`);
      } else if (isInitializer(value) && value.constValue !== null) {
        lines.push({
          text: `${slotName(node, model.opset, slot)} ${formatTensorSummary(value.constValue)}`,
          role: 'initializer',
        });
        tooltipLines.push(`input ${slot}: initializer '${value.name}' ${formatEdgeType(typeOf(value))}`);
      } else if (!boxOfValue.has(value)) {
        lines.push({ text: `${slotName(node, model.opset, slot)} ← '${value.name}' (not defined)`, role: 'note' });
      }
    });
    for (const output of node.outputs) tooltipLines.push(`output '${output.name}': ${formatEdgeType(typeOf(output))}`);
    const note = inferred.notes.get(node);
    if (note !== undefined) tooltipLines.push(`types not inferred: ${note}`);
    boxes.push({ id, kind: 'op', opType: opLabel(node), lines, tooltip: tooltipLines.join('\n') });
  });

  // Edges, in node order: one per use of a value produced by a node or a graph input.
  graph.nodes.forEach((node, index) => {
    for (const value of node.inputs) {
      const from = value === null ? undefined : boxOfValue.get(value);
      if (value === null || from === undefined || folded.has(value)) continue;
      edges.push({
        id: `e${edges.length}`,
        from,
        to: `n${index}`,
        label: formatEdgeType(typeOf(value)),
        valueName: value.name,
        captured: false,
      });
    }
    // Values of this graph that the node's subgraphs read (If/Loop/Scan bodies capture outer values by name).
    for (const value of capturedValues(node, graph)) {
      const from = boxOfValue.get(value);
      if (from === undefined || folded.has(value)) continue;
      edges.push({
        id: `e${edges.length}`,
        from,
        to: `n${index}`,
        label: formatEdgeType(typeOf(value)),
        valueName: value.name,
        captured: true,
      });
    }
  });

  graph.outputs.forEach((value, index) => {
    const id = `out${index}`;
    boxes.push({
      id,
      kind: 'output',
      opType: 'output',
      lines: [
        { text: value.name, role: 'title' },
        { text: formatEdgeType(typeOf(value)), role: 'name' },
      ],
      tooltip: `graph output '${value.name}': ${formatEdgeType(typeOf(value))}`,
    });
    const from = boxOfValue.get(value);
    if (from !== undefined) {
      edges.push({
        id: `e${edges.length}`,
        from,
        to: id,
        label: formatEdgeType(typeOf(value)),
        valueName: value.name,
        captured: false,
      });
    }
  });

  return {
    name: graph.name,
    boxes,
    edges,
    initializerCount: graph.initializers.size,
    foldedConstantCount: folded.size,
  };
}
