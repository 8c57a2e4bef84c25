/**
 * Value helpers that rule checks and passes share: constant values (an initializer, or the output of a
 * `Constant` node as PyTorch exports them), and list text for messages. Attributes are not read here: a matched
 * node's attributes come parsed by its op's schema (`match.get(handle).attrs`).
 */
import type { Attribute } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { OpError, SppkitError } from '../../ir/errors.js';
import { isDefaultDomain } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';
import type { Value } from '../../ir/value.js';
import { MAX_OPSET } from '../../ir/versions.js';
import { Constant } from '../../ops/constant.js';
import { parseAttributes } from '../../ops/core/attributes.js';
import { constantTensor } from '../../ops/shared/constant-value.js';

const CONSTANT_NODE = { opType: 'Constant', name: '' } as const;

/**
 * The tensor a `Constant` node's attributes stand for, read by the Constant op itself; undefined for attributes it
 * refuses (the op's own errors) and for kinds sppkit cannot fold (strings).
 */
export function constantNodeValue(attributes: ReadonlyMap<string, Attribute>): Tensor | undefined {
  try {
    const attrs = parseAttributes(Constant.attributes, attributes, { node: CONSTANT_NODE, opset: MAX_OPSET });
    const tensor = constantTensor(attrs, (detail) => {
      throw new OpError(CONSTANT_NODE, detail);
    });
    return tensor.dtype === DataType.STRING ? undefined : tensor;
  } catch (error) {
    // A Constant the op refuses is not a constant sppkit can read; anything else is a bug and propagates.
    if (error instanceof SppkitError) return undefined;
    throw error;
  }
}

/** The constant value of `value`: an initializer's data (not an overridable graph input) or a Constant node's. */
export function constantOf(value: Value | null | undefined): Tensor | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.constValue !== null) return value.isGraphInput() ? undefined : value.constValue;
  const producer = value.producer();
  if (producer !== null && producer.opType === 'Constant' && isDefaultDomain(producer.domain))
    return constantNodeValue(producer.attributes);
  return undefined;
}

/** `[a, b, c]` for messages. */
export function list(values: readonly (number | bigint | string)[]): string {
  return `[${values.join(', ')}]`;
}
