/**
 * Typed attribute schemas. An op declares its attributes once, as data; parsing (ONNX → typed, snake_case →
 * camelCase, defaults applied, unknown names refused) and serialising (typed → ONNX) are derived from it.
 */
import { Attr, type Attribute } from '../../ir/attribute.js';
import { OpError, type NodeRef } from '../../ir/errors.js';
import { Graph } from '../../ir/graph.js';
import type { Tensor } from '../../ir/tensor.js';

/** Where an attribute is parsed, for error messages. */
export interface AttrContext {
  readonly node: NodeRef;
  readonly opset: number;
}

/** One attribute's spec: ONNX name, how to read and write it, and the opsets that have it. */
export interface AttrSpec<T, Required extends boolean = boolean> {
  readonly onnxName: string;
  readonly required: Required;
  /** First opset where the attribute exists (default: always). */
  readonly since?: number;
  /** Last opset where the attribute exists (default: still there). */
  readonly until?: number;
  /** Reads the attribute; `undefined` when absent (the spec applies its default). */
  parse(attribute: Attribute | undefined, context: AttrContext): T;
  /** Writes the attribute; `undefined` when it equals the default and can be left out. */
  serialize(value: T): Attribute | undefined;
}

/** An op's attribute schema: camelCase key → spec. */
export type AttrSchema = Readonly<Record<string, AttrSpec<unknown>>>;

/** The typed, parsed attributes of a schema. */
export type ParsedAttrs<S extends AttrSchema> = { readonly [K in keyof S]: S[K] extends AttrSpec<infer T> ? T : never };

type RequiredKeys<S extends AttrSchema> = { [K in keyof S]: S[K] extends AttrSpec<unknown, true> ? K : never }[keyof S];

/** What a builder caller passes: required attributes must be given, the rest may be. */
export type AttrInput<S extends AttrSchema> = { readonly [K in RequiredKeys<S>]: ParsedAttrs<S>[K] } & {
  readonly [K in Exclude<keyof S, RequiredKeys<S>>]?: ParsedAttrs<S>[K];
};

function fail(context: AttrContext, name: string, detail: string): never {
  throw new OpError(context.node, `attribute '${name}' ${detail}`, 'E_ATTR');
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
  if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
  return Number(value);
}

type Options<T> = {
  readonly since?: number;
  readonly until?: number;
  readonly check?: (value: T) => string | undefined;
};

function spec<T, R extends boolean>(
  onnxName: string,
  required: R,
  options: Options<T>,
  read: (attribute: Attribute, context: AttrContext) => T,
  fallback: () => T,
  write: (value: T) => Attribute | undefined,
): AttrSpec<T, R> {
  const parse = (attribute: Attribute | undefined, context: AttrContext): T => {
    if (attribute === undefined) {
      if (required) fail(context, onnxName, 'is required but missing');
      return fallback();
    }
    const value = read(attribute, context);
    const problem = options.check?.(value);
    if (problem !== undefined) fail(context, onnxName, problem);
    return value;
  };
  return {
    onnxName,
    required,
    parse,
    serialize: write,
    ...(options.since === undefined ? {} : { since: options.since }),
    ...(options.until === undefined ? {} : { until: options.until }),
  };
}

function readInt(attribute: Attribute, context: AttrContext, name: string): number {
  if (attribute.kind !== 'int') fail(context, name, `must be an int, got ${attribute.kind}`);
  return toSafeNumber(attribute.value);
}

function readInts(attribute: Attribute, context: AttrContext, name: string): readonly number[] {
  if (attribute.kind !== 'ints') fail(context, name, `must be a list of ints, got ${attribute.kind}`);
  return attribute.value.map(toSafeNumber);
}

function readFloat(attribute: Attribute, context: AttrContext, name: string): number {
  if (attribute.kind !== 'float') fail(context, name, `must be a float, got ${attribute.kind}`);
  return attribute.value;
}

/** Attribute spec constructors. */
export const attr = {
  /** An int with a default. */
  int: (name: string, fallback: number, options: Options<number> = {}): AttrSpec<number, false> =>
    spec(
      name,
      false,
      options,
      (a, c) => readInt(a, c, name),
      () => fallback,
      (v) => (v === fallback ? undefined : Attr.int(v)),
    ),
  /** A required int. */
  requiredInt: (name: string, options: Options<number> = {}): AttrSpec<number, true> =>
    spec(
      name,
      true,
      options,
      (a, c) => readInt(a, c, name),
      () => 0,
      (v) => Attr.int(v),
    ),
  /** An optional int without a default. */
  optionalInt: (name: string, options: Options<number | undefined> = {}): AttrSpec<number | undefined, false> =>
    spec<number | undefined, false>(
      name,
      false,
      options,
      (a, c) => readInt(a, c, name),
      () => undefined,
      (v) => (v === undefined ? undefined : Attr.int(v)),
    ),
  /** A float with a default. */
  float: (name: string, fallback: number, options: Options<number> = {}): AttrSpec<number, false> =>
    spec(
      name,
      false,
      options,
      (a, c) => readFloat(a, c, name),
      () => fallback,
      (v) => (v === fallback ? undefined : Attr.float(v)),
    ),
  /** An optional float without a default. */
  optionalFloat: (name: string, options: Options<number | undefined> = {}): AttrSpec<number | undefined, false> =>
    spec<number | undefined, false>(
      name,
      false,
      options,
      (a, c) => readFloat(a, c, name),
      () => undefined,
      (v) => (v === undefined ? undefined : Attr.float(v)),
    ),
  /** A list of ints that may be absent (`undefined`: the op derives it). */
  optionalInts: (
    name: string,
    options: Options<readonly number[] | undefined> = {},
  ): AttrSpec<readonly number[] | undefined, false> =>
    spec<readonly number[] | undefined, false>(
      name,
      false,
      options,
      (a, c) => readInts(a, c, name),
      () => undefined,
      (v) => (v === undefined ? undefined : Attr.ints(v)),
    ),
  /** A required list of ints. */
  requiredInts: (name: string, options: Options<readonly number[]> = {}): AttrSpec<readonly number[], true> =>
    spec(
      name,
      true,
      options,
      (a, c) => readInts(a, c, name),
      () => [],
      (v) => Attr.ints(v),
    ),
  /** A list of floats that may be absent. */
  optionalFloats: (
    name: string,
    options: Options<readonly number[] | undefined> = {},
  ): AttrSpec<readonly number[] | undefined, false> =>
    spec<readonly number[] | undefined, false>(
      name,
      false,
      options,
      (a, c) => (a.kind === 'floats' ? a.value : fail(c, name, `must be a list of floats, got ${a.kind}`)),
      () => undefined,
      (v) => (v === undefined ? undefined : Attr.floats(v)),
    ),
  /** A string restricted to `allowed`, with a default. */
  enum: <T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: T,
    options: Options<T> = {},
  ): AttrSpec<T, false> =>
    spec(
      name,
      false,
      options,
      (a, c) => {
        if (a.kind !== 'string') fail(c, name, `must be a string, got ${a.kind}`);
        const found = allowed.find((value) => value === a.value);
        return found ?? fail(c, name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(a.value)}`);
      },
      () => fallback,
      (v) => (v === fallback ? undefined : Attr.string(v)),
    ),
  /** A free string that may be absent. */
  optionalString: (name: string, options: Options<string | undefined> = {}): AttrSpec<string | undefined, false> =>
    spec<string | undefined, false>(
      name,
      false,
      options,
      (a, c) => (a.kind === 'string' ? a.value : fail(c, name, `must be a string, got ${a.kind}`)),
      () => undefined,
      (v) => (v === undefined ? undefined : Attr.string(v)),
    ),
  /** A tensor that may be absent. */
  optionalTensor: (name: string, options: Options<Tensor | undefined> = {}): AttrSpec<Tensor | undefined, false> =>
    spec<Tensor | undefined, false>(
      name,
      false,
      options,
      (a, c) => (a.kind === 'tensor' ? a.value : fail(c, name, `must be a tensor, got ${a.kind}`)),
      () => undefined,
      (v) => (v === undefined ? undefined : Attr.tensor(v)),
    ),
  /**
   * A required graph (a subgraph: If's `then_branch`). The graph is kept as it is, not copied: its nodes may read
   * the enclosing graphs' values, which is what makes it a subgraph of the node that holds it.
   */
  requiredGraph: (name: string, options: Options<Graph> = {}): AttrSpec<Graph, true> =>
    spec<Graph, true>(
      name,
      true,
      options,
      (a, c) => (a.kind === 'graph' ? a.value : fail(c, name, `must be a graph, got ${a.kind}`)),
      // Never used: a missing required attribute is refused before any fallback is asked for.
      () => new Graph(name),
      (v) => ({ kind: 'graph', value: v }),
    ),
} as const;

/** True when the attribute exists at `opset` (between its `since` and `until`). */
export function availableAt(specItem: AttrSpec<unknown>, opset: number): boolean {
  return (
    (specItem.since === undefined || opset >= specItem.since) &&
    (specItem.until === undefined || opset <= specItem.until)
  );
}

/**
 * Parses a node's raw attributes against a schema. Unknown attributes, attributes of another opset and
 * wrongly typed values are refused with an OpError (code `E_ATTR`) naming the node and the attribute.
 */
export function parseAttributes<S extends AttrSchema>(
  schema: S,
  raw: ReadonlyMap<string, Attribute>,
  context: AttrContext,
): ParsedAttrs<S> {
  const known = new Map<string, string>();
  for (const [key, specItem] of Object.entries(schema)) known.set(specItem.onnxName, key);
  for (const name of raw.keys()) {
    const key = known.get(name);
    if (key === undefined) {
      const allowed = Object.values(schema)
        .filter((s) => availableAt(s, context.opset))
        .map((s) => s.onnxName);
      fail(context, name, `is not an attribute of this op (known: ${allowed.join(', ') || 'none'})`);
    }
    const specItem = schema[key];
    if (specItem !== undefined && !availableAt(specItem, context.opset)) {
      const until = specItem.until === undefined ? '' : `, until ${specItem.until}`;
      fail(context, name, `does not exist at opset ${context.opset} (since ${specItem.since ?? 1}${until})`);
    }
  }
  const parsed: Record<string, unknown> = {};
  for (const [key, specItem] of Object.entries(schema)) {
    const present = raw.get(specItem.onnxName);
    parsed[key] = specItem.parse(present, context);
  }
  return parsed as ParsedAttrs<S>;
}

/**
 * Serialises typed attributes (camelCase keys of `schema`, e.g. an `AttrInput<S>`) back to raw ONNX attributes,
 * defaults left out. Unknown keys and attributes the opset lacks are refused with an OpError (`E_ATTR`).
 */
export function serializeAttributes(
  schema: AttrSchema,
  record: Readonly<Record<string, unknown>>,
  context: AttrContext,
): Map<string, Attribute> {
  const out = new Map<string, Attribute>();
  const entries = Object.entries(schema).sort(([, a], [, b]) => (a.onnxName < b.onnxName ? -1 : 1));
  for (const key of Object.keys(record)) {
    if (!(key in schema))
      fail(context, key, `is not an attribute of this op (known: ${Object.keys(schema).join(', ') || 'none'})`);
  }
  for (const [key, specItem] of entries) {
    const value = record[key];
    if (value === undefined) continue;
    if (!availableAt(specItem, context.opset))
      fail(context, specItem.onnxName, `does not exist at opset ${context.opset}`);
    const attribute = specItem.serialize(value);
    if (attribute !== undefined) out.set(specItem.onnxName, attribute);
  }
  return out;
}
