/**
 * The op registry: every op sppkit knows, by ONNX op type (`ops`, generated from the op files by
 * scripts/generate-ops.ts), plus the node-level entry points used by shape inference, the checker and the
 * reference evaluator. Those entry points check the inputs' element types against the op's type variables once,
 * generically, before an op's own code runs.
 */
import type { Attribute } from '../../ir/attribute.js';
import type { Dim } from '../../ir/dim.js';
import { describeNode, UnsupportedError, type NodeRef } from '../../ir/errors.js';
import { isDefaultDomain } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import type { TensorType } from '../../ir/value.js';
import { ops } from '../ops.generated.js';
import { shapeValueOfTensor } from '../shared/shape-value.js';
import { parseAttributes, type ParsedAttrs } from './attributes.js';
import { failFor, versionAt, type OpDef } from './op.js';
import { checkInputTypes } from './types.js';

/** Every op of the default ONNX domain, keyed by op type (generated into ops.generated.ts). */
export { ops };

/** A node as the registry needs it (satisfied by the IR's Node). */
export interface NodeLike extends NodeRef {
  readonly domain: string;
  readonly attributes: ReadonlyMap<string, Attribute>;
}

/** Looks an op up; undefined when sppkit does not implement it. */
export function findOp(domain: string, opType: string): OpDef | undefined {
  if (!isDefaultDomain(domain)) return undefined;
  const registry: Readonly<Record<string, OpDef>> = ops;
  return Object.prototype.hasOwnProperty.call(registry, opType) ? registry[opType] : undefined;
}

/** The op of a node and its parsed attributes at `opset`; throws for unknown ops, too-old opsets and bad attributes. */
export function resolveNode(node: NodeLike, opset: number): { op: OpDef; attrs: ParsedAttrs<OpDef['attributes']> } {
  const op = findOp(node.domain, node.opType);
  if (op === undefined) {
    const domain = node.domain === '' ? '' : ` (domain '${node.domain}')`;
    throw new UnsupportedError(`${describeNode(node)}: op ${node.opType}${domain} is not implemented by sppkit`);
  }
  if (versionAt(op, opset) === undefined) {
    throw new UnsupportedError(
      `${describeNode(node)}: ${node.opType} does not exist at opset ${opset} ` +
        `(it starts at ${op.versions[0] ?? '?'})`,
    );
  }
  const attrs = parseAttributes(op.attributes, node.attributes, { node, opset });
  return { op, attrs };
}

/**
 * Infers a node's output types. `constant(i)` gives known constant inputs; `shapeValue(i)` known small integer
 * inputs as dims (by default, those of the constants).
 */
export function inferNode(
  node: NodeLike,
  opset: number,
  inputs: readonly (TensorType | null)[],
  outputCount: number,
  constant: (index: number) => Tensor | undefined,
  shapeValue: (index: number) => readonly Dim[] | undefined = (index) => {
    const tensor = constant(index);
    return tensor === undefined ? undefined : shapeValueOfTensor(tensor)?.elements;
  },
): (TensorType | null)[] {
  const { op, attrs } = resolveNode(node, opset);
  checkInputTypes(
    node,
    op,
    opset,
    inputs.map((type) => type?.dtype),
  );
  return op.infer({ node, opset, attrs, inputs, outputCount, constant, shapeValue, fail: failFor(node) });
}

/** Runs a node's reference kernel. */
export function runNode(
  node: NodeLike,
  opset: number,
  inputs: readonly (Tensor | null)[],
  outputCount: number,
): Tensor[] {
  const { op, attrs } = resolveNode(node, opset);
  checkInputTypes(
    node,
    op,
    opset,
    inputs.map((tensor) => tensor?.dtype),
  );
  return op.run({ node, opset, attrs, inputs, outputCount, fail: failFor(node) });
}
