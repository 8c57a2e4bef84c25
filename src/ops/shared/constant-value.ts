/**
 * The value of a Constant node from its attributes (shared by the Constant op and the rewrite engine, which reads
 * Constant nodes as known tensors): exactly one of `value`, `value_float(s)`, `value_int(s)`, `value_string(s)`.
 */
import { Attr, type Attribute } from '../../ir/attribute.js';
import { DataType } from '../../ir/dtype.js';
import { OpError } from '../../ir/errors.js';
import { Tensor } from '../../ir/tensor.js';
import { attr, type AttrContext, type AttrSpec, type ParsedAttrs } from '../core/attributes.js';

/**
 * An optional attribute read as-is by `read` (which returns undefined for a wrong kind). int64 values stay
 * BigInt, so value_int = INT64_MAX survives.
 */
function rawAttr<T>(
  onnxName: string,
  kind: Attribute['kind'],
  since: number,
  read: (a: Attribute) => T | undefined,
  write: (value: T) => Attribute,
): AttrSpec<T | undefined, false> {
  return {
    onnxName,
    required: false,
    since,
    parse(attribute: Attribute | undefined, context: AttrContext): T | undefined {
      if (attribute === undefined) return undefined;
      const value = read(attribute);
      if (value === undefined)
        throw new OpError(context.node, `attribute '${onnxName}' must be ${kind}, got ${attribute.kind}`, 'E_ATTR');
      return value;
    },
    serialize: (value: T | undefined): Attribute | undefined => (value === undefined ? undefined : write(value)),
  };
}

/** Constant's attribute schema: one value attribute per form. */
export const constantAttributes = {
  value: attr.optionalTensor('value'),
  sparseValue: rawAttr(
    'sparse_value',
    'opaque',
    11,
    (a) => (a.kind === 'opaque' ? a.value : undefined),
    (value): Attribute => ({ kind: 'opaque', value }),
  ),
  valueFloat: attr.optionalFloat('value_float', { since: 12 }),
  valueFloats: attr.optionalFloats('value_floats', { since: 12 }),
  valueInt: rawAttr(
    'value_int',
    'int',
    12,
    (a) => (a.kind === 'int' ? a.value : undefined),
    (value): Attribute => Attr.int(value),
  ),
  valueInts: rawAttr(
    'value_ints',
    'ints',
    12,
    (a) => (a.kind === 'ints' ? a.value : undefined),
    (value): Attribute => Attr.ints(value),
  ),
  valueString: attr.optionalString('value_string', { since: 12 }),
  valueStrings: rawAttr(
    'value_strings',
    'strings',
    12,
    (a) => (a.kind === 'strings' ? a.value : undefined),
    (value): Attribute => Attr.strings(value),
  ),
} as const;

type ConstantAttrs = ParsedAttrs<typeof constantAttributes>;

/** The tensor a Constant node with these attributes produces; `fail` unless exactly one value attribute is set. */
export function constantTensor(attrs: ConstantAttrs, fail: (detail: string) => never): Tensor {
  const candidates: { name: string; make: () => Tensor }[] = [];
  const { value, valueFloat, valueFloats, valueInt, valueInts, valueString, valueStrings } = attrs;
  if (value !== undefined) candidates.push({ name: 'value', make: () => value });
  if (attrs.sparseValue !== undefined)
    candidates.push({
      name: 'sparse_value',
      make: () =>
        fail(
          'sparse_value is not supported by sppkit (the IR keeps sparse tensors only as opaque bytes); ' +
            'use value instead',
        ),
    });
  if (valueFloat !== undefined) candidates.push({ name: 'value_float', make: () => Tensor.float32([], [valueFloat]) });
  if (valueFloats !== undefined)
    candidates.push({ name: 'value_floats', make: () => Tensor.float32([valueFloats.length], valueFloats) });
  if (valueInt !== undefined)
    candidates.push({ name: 'value_int', make: () => new Tensor(DataType.INT64, [], BigInt64Array.of(valueInt)) });
  if (valueInts !== undefined)
    candidates.push({
      name: 'value_ints',
      make: () => new Tensor(DataType.INT64, [valueInts.length], BigInt64Array.from(valueInts)),
    });
  if (valueString !== undefined)
    candidates.push({ name: 'value_string', make: () => new Tensor(DataType.STRING, [], [valueString]) });
  if (valueStrings !== undefined)
    candidates.push({
      name: 'value_strings',
      make: () => new Tensor(DataType.STRING, [valueStrings.length], [...valueStrings]),
    });
  const [only, ...others] = candidates;
  if (only === undefined)
    return fail(
      'needs exactly one of value, sparse_value, value_float, value_floats, value_int, value_ints, value_string, ' +
        'value_strings; none is set',
    );
  if (others.length > 0)
    return fail(`needs exactly one value attribute, got ${candidates.map((c) => c.name).join(', ')}`);
  return only.make();
}
