/**
 * Raw node attributes as ONNX stores them. Typed parsing per op lives in `src/ops/core/attributes.ts`.
 * Integers are BigInt so that int64 values such as INT64_MAX survive a round trip.
 */
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';

/** One attribute value, tagged by its ONNX `AttributeProto.AttributeType`. */
export type AttributeValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'tensor'; readonly value: Tensor }
  | { readonly kind: 'graph'; readonly value: Graph }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'ints'; readonly value: readonly bigint[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensors'; readonly value: readonly Tensor[] }
  | { readonly kind: 'graphs'; readonly value: readonly Graph[] }
  /** Kinds the IR does not model (sparse tensors, type protos): the encoded AttributeProto, kept verbatim. */
  | { readonly kind: 'opaque'; readonly value: Uint8Array };

/** An attribute with its optional doc string and reference name (function bodies). */
export type Attribute = AttributeValue & { readonly docString?: string; readonly refAttrName?: string };

/** Constructors for attributes, used by the builder and the passes. */
export const Attr = {
  float: (value: number): Attribute => ({ kind: 'float', value }),
  int: (value: number | bigint): Attribute => ({ kind: 'int', value: BigInt(value) }),
  string: (value: string): Attribute => ({ kind: 'string', value }),
  tensor: (value: Tensor): Attribute => ({ kind: 'tensor', value }),
  floats: (value: readonly number[]): Attribute => ({ kind: 'floats', value: [...value] }),
  ints: (value: readonly (number | bigint)[]): Attribute => ({ kind: 'ints', value: value.map((v) => BigInt(v)) }),
  strings: (value: readonly string[]): Attribute => ({ kind: 'strings', value: [...value] }),
} as const;

/** Text of an attribute value for messages and `inspect`. */
export function formatAttribute(attribute: Attribute): string {
  switch (attribute.kind) {
    case 'float':
    case 'int':
      return String(attribute.value);
    case 'string':
      return JSON.stringify(attribute.value);
    case 'floats':
    case 'ints':
      return `[${attribute.value.join(', ')}]`;
    case 'strings':
      return JSON.stringify(attribute.value);
    case 'tensor':
      return `tensor ${attribute.value.describe()}`;
    case 'tensors':
      return `${attribute.value.length} tensors`;
    case 'graph':
      return `graph '${attribute.value.name}'`;
    case 'graphs':
      return `${attribute.value.length} graphs`;
    case 'opaque':
      return `<${attribute.value.length} opaque bytes>`;
  }
}
