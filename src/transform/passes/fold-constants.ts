/**
 * `fold-constants`: evaluates, with the reference kernels, every node whose inputs are all constant, and stores
 * its outputs as initializers under the same value names. `Constant` nodes become initializers; `Shape` of a
 * value whose shape is fully static becomes its int64 constant. Outputs larger than the size cap are left as
 * computation (folding them would bloat the file), and so are graph outputs and ops sppkit does not implement.
 * Initializers that only the folded nodes used are removed with them.
 */
import { runNode } from '../../ops/core/registry.js';
import { parseAttributes } from '../../ops/core/attributes.js';
import { Shape } from '../../ops/shape.js';
import { DataType } from '../../ir/dtype.js';
import { SppkitError } from '../../ir/errors.js';
import { foldingLimits } from '../../ir/limits.js';
import { isDefaultDomain, type Graph, type Model } from '../../ir/graph.js';
import { constantNodeValue, constantOf } from '../rewrite/helpers.js';
import { sizeOf, Tensor } from '../../ir/tensor.js';
import type { Node, Value } from '../../ir/value.js';
import type { Pass, PassResult } from './pass.js';

/** Default cap on the elements of one folded output. */
export const DEFAULT_FOLD_CAP = 1 << 16;

/**
 * `Shape(x)` (with start/end from opset 15) when x has a fully static shape; throws the schema's OpError for
 * attributes Shape refuses.
 */
function staticShape(node: Node, opset: number): Tensor | undefined {
  const shape = node.inputs[0]?.type?.shape;
  if (shape === null || shape === undefined || !shape.every((dim): dim is number => typeof dim === 'number'))
    return undefined;
  const attrs = parseAttributes(Shape.attributes, node.attributes, { node, opset });
  const rank = shape.length;
  const clamp = (index: number): number => Math.min(Math.max(index < 0 ? index + rank : index, 0), rank);
  const start = clamp(attrs.start);
  // An absent `end` means "to the last axis".
  const end = clamp(attrs.end ?? rank);
  const dims = shape.slice(start, Math.max(start, end));
  return Tensor.int64([dims.length], dims);
}

/** Replaces node `node` by initializers holding `outputs`, keeping the value names. */
function replaceByConstants(graph: Graph, node: Node, outputs: readonly Tensor[]): void {
  const inputs = node.inputs.filter((v): v is Value => v !== null);
  const created = node.outputs.map((output, index) => {
    const tensor = outputs[index];
    if (tensor === undefined) throw new Error(`${node.label()}: no folded value for output '${output.name}'`);
    const init = graph.addInitializer(graph.uniqueName(`${output.name}_folded`), tensor);
    output.replaceAllUsesWith(init);
    return { init, name: output.name, docString: output.docString };
  });
  graph.removeNode(node);
  for (const { init, name, docString } of created) {
    graph.initializers.delete(init.name);
    graph.renameValue(init, name);
    graph.initializers.set(name, init);
    init.docString = docString;
  }
  for (const input of inputs) {
    if (
      input.uses().length === 0 &&
      !input.isGraphOutput() &&
      !input.isGraphInput() &&
      graph.initializers.get(input.name) === input
    )
      graph.removeInitializer(input);
  }
}

/** Folds constants in place; returns notes. */
export function foldConstants(model: Model, cap = DEFAULT_FOLD_CAP): { modified: boolean; notes: string[] } {
  const graph = model.graph;
  const notes: string[] = [];
  const folded = new Map<string, number>();
  const limits = foldingLimits(cap);
  for (const node of [...graph.nodes]) {
    if (!isDefaultDomain(node.domain) || node.outputs.some((output) => output.isGraphOutput())) continue;
    let outputs: Tensor[] | undefined;
    if (node.opType === 'Constant') {
      const tensor = constantNodeValue(node.attributes);
      if (tensor === undefined) {
        notes.push(`kept ${node.label()}: its attribute kind is not foldable`);
        continue;
      }
      outputs = [tensor];
    } else if (node.opType === 'Shape') {
      try {
        const shape = staticShape(node, model.opset);
        if (shape !== undefined) outputs = [shape];
      } catch (error) {
        if (!(error instanceof SppkitError)) throw error;
        notes.push(`kept ${node.label()}: ${error.message}`);
        continue;
      }
    }
    if (outputs === undefined) {
      const inputs = node.inputs.map((v) => (v === null ? null : (constantOf(v) ?? undefined)));
      if (node.inputs.length === 0 || inputs.some((t) => t === undefined)) continue;
      const declared = node.outputs
        .map((o) => o.type?.shape)
        .find((shape) => shape?.every((d) => typeof d === 'number') && sizeOf(shape.map(Number)) > cap);
      if (declared !== undefined && declared !== null) {
        notes.push(`kept ${node.label()}: its output has ${sizeOf(declared.map(Number))} elements (cap ${cap})`);
        continue;
      }
      try {
        // Outputs past the cap are refused before the kernel allocates them (LimitError, kept as computation).
        outputs = runNode(
          node,
          model.opset,
          inputs.map((t) => t ?? null),
          node.outputs.length,
          { limits },
        );
      } catch (error) {
        notes.push(`kept ${node.label()}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      const large = outputs.find((t) => t.size > cap);
      if (large !== undefined) {
        notes.push(`kept ${node.label()}: its output ${large.describe()} has ${large.size} elements (cap ${cap})`);
        continue;
      }
    }
    if (outputs.some((t) => t.dtype === DataType.STRING)) continue;
    replaceByConstants(graph, node, outputs);
    folded.set(node.opType, (folded.get(node.opType) ?? 0) + 1);
  }
  const total = [...folded.values()].reduce((a, b) => a + b, 0);
  notes.unshift(
    total === 0
      ? 'nothing to fold'
      : `folded ${total} node(s) into initializers (${[...folded].map(([op, n]) => `${op}×${n}`).join(', ')})`,
  );
  return { modified: total > 0, notes };
}

/** A `fold-constants` pass with a size cap (elements per folded output). */
export function foldConstantsPass(cap = DEFAULT_FOLD_CAP): Pass {
  return {
    name: 'fold-constants',
    description: `evaluate constant subgraphs with the reference kernels (outputs up to ${cap} elements)`,
    inPlace: true,
    run(model: Model): PassResult {
      const { modified, notes } = foldConstants(model, cap);
      return { model, modified, notes };
    },
  };
}
