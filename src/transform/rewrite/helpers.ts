/**
 * Small readers that rule checks share: raw attributes with the spec's defaults, and constant values (an
 * initializer, or the output of a `Constant` node as PyTorch exports them).
 */
import type { Attribute } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { Constant } from '../../ops/constant.js';
import { constantTensor } from '../../ops/shared/constant-value.js';
import { parseAttributes } from '../../ops/core/attributes.js';
import type { Tensor } from '../../ir/tensor.js';
import { MAX_OPSET } from '../../ir/versions.js';
import type { Node, Value } from '../../ir/value.js';

/** An `ints` attribute as numbers, or `fallback` when absent; undefined when it has another kind. */
export function intsAttr(node: Node, name: string, fallback: readonly number[]): readonly number[] | undefined {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  return attribute.kind === 'ints' ? attribute.value.map(Number) : undefined;
}

/** An `int` attribute as a number, or `fallback` when absent; undefined when it has another kind. */
export function intAttr(node: Node, name: string, fallback: number): number | undefined {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  return attribute.kind === 'int' ? Number(attribute.value) : undefined;
}

/** A `string` attribute, or `fallback` when absent; undefined when it has another kind. */
export function stringAttr(node: Node, name: string, fallback: string): string | undefined {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return fallback;
  return attribute.kind === 'string' ? attribute.value : undefined;
}

/**
 * The tensor a `Constant` node's attributes stand for, read by the Constant op itself; undefined for attributes it
 * refuses and for kinds sppkit cannot fold (strings).
 */
export function constantNodeValue(attributes: ReadonlyMap<string, Attribute>): Tensor | undefined {
  try {
    const attrs = parseAttributes(Constant.attributes, attributes, {
      node: { opType: 'Constant', name: '' },
      opset: MAX_OPSET,
    });
    const tensor = constantTensor(attrs, (detail) => {
      throw new Error(detail);
    });
    return tensor.dtype === DataType.STRING ? undefined : tensor;
  } catch {
    return undefined;
  }
}

/** The constant value of `value`: an initializer's data (not an overridable graph input) or a Constant node's. */
export function constantOf(value: Value | null | undefined): Tensor | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.constValue !== null) return value.isGraphInput() ? undefined : value.constValue;
  const producer = value.producer();
  if (
    producer !== null &&
    producer.opType === 'Constant' &&
    (producer.domain === '' || producer.domain === 'ai.onnx')
  ) {
    return constantNodeValue(producer.attributes);
  }
  return undefined;
}

/** `[a, b, c]` for messages. */
export function list(values: readonly (number | bigint | string)[]): string {
  return `[${values.join(', ')}]`;
}
