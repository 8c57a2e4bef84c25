/**
 * Small readers that rule checks share: raw attributes with the spec's defaults, and constant values (an
 * initializer, or the output of a `Constant` node as PyTorch exports them).
 */
import type { Attribute } from '../attribute.js';
import { DataType } from '../dtype.js';
import { Tensor } from '../tensor.js';
import type { Node, Value } from '../value.js';

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

/** The tensor a `Constant` node's attribute stands for (undefined for kinds sppkit cannot fold). */
export function constantNodeValue(attributes: ReadonlyMap<string, Attribute>): Tensor | undefined {
  const entries = [...attributes];
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined) return undefined;
  const [name, attribute] = entry;
  switch (name) {
    case 'value':
      return attribute.kind === 'tensor' ? attribute.value : undefined;
    case 'value_float':
      return attribute.kind === 'float' ? Tensor.float32([], [attribute.value]) : undefined;
    case 'value_floats':
      return attribute.kind === 'floats' ? Tensor.float32([attribute.value.length], attribute.value) : undefined;
    case 'value_int':
      return attribute.kind === 'int' ? new Tensor(DataType.INT64, [], BigInt64Array.of(attribute.value)) : undefined;
    case 'value_ints':
      return attribute.kind === 'ints' ? new Tensor(DataType.INT64, [attribute.value.length], BigInt64Array.from(attribute.value)) : undefined;
    default:
      return undefined;
  }
}

/** The constant value of `value`: an initializer's data (not an overridable graph input) or a Constant node's. */
export function constantOf(value: Value | null | undefined): Tensor | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.constValue !== null) return value.isGraphInput() ? undefined : value.constValue;
  const producer = value.producer();
  if (producer !== null && producer.opType === 'Constant' && (producer.domain === '' || producer.domain === 'ai.onnx')) {
    return constantNodeValue(producer.attributes);
  }
  return undefined;
}

/** `[a, b, c]` for messages. */
export function list(values: readonly (number | bigint | string)[]): string {
  return `[${values.join(', ')}]`;
}
