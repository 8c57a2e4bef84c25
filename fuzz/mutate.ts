/**
 * Seeded mutators for ONNX bytes. Two families:
 *   - byte-level: flips, overwrites with interesting bytes, deletions, duplications and truncations, which mostly
 *     exercise the decoder;
 *   - structure-aware: decode the seed, change one thing a hostile file could carry (a dim, an attribute value, an
 *     initializer's declared shape, an op type, a wiring), re-encode. These reach check, inference, evaluation and
 *     the passes with a decodable model.
 */
import {
  Attr,
  decodeModel,
  encodeModel,
  SymDim,
  Tensor,
  type Attribute,
  type Dim,
  type Model,
  type Node,
} from '../src/node.js';

/** A seeded random source (mulberry32), so a campaign with the same seed makes the same mutants. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }
}

/** Integers that break arithmetic: zero, one, negatives, powers of two at type edges, huge values. */
const INTERESTING_INTS: readonly number[] = [
  0,
  1,
  -1,
  2,
  3,
  7,
  255,
  256,
  65535,
  65536,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32,
  -(2 ** 31),
  1e6,
  1e9,
  1e12,
  2 ** 53,
];
const INTERESTING_FLOATS: readonly number[] = [0, -0, 1, -1, 1e-30, 1e30, 3.4e38, -3.4e38, Infinity, -Infinity, NaN];
const INTERESTING_BYTES: readonly number[] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x10, 0x12, 0x1a, 0x22, 0x3a];
const OP_TYPES: readonly string[] = [
  'MaxPool',
  'AveragePool',
  'Conv',
  'Reshape',
  'Expand',
  'Concat',
  'Resize',
  'Pad',
  'Slice',
  'Range',
  'Gather',
  'Tile',
  'ConstantOfShape',
  'NoSuchOp',
];

/** A mutant and how it was made (for reports). */
export interface Mutant {
  readonly bytes: Uint8Array;
  readonly how: string;
}

function byteMutant(seed: Uint8Array, random: Random): Mutant {
  const bytes = new Uint8Array(seed);
  const kind = random.below(6);
  const at = random.below(Math.max(1, bytes.length));
  switch (kind) {
    case 0: {
      const count = 1 + random.below(8);
      for (let i = 0; i < count; i += 1) {
        const p = random.below(Math.max(1, bytes.length));
        bytes[p] = (bytes[p] ?? 0) ^ (1 << random.below(8));
      }
      return { bytes, how: `flip ${count} bit(s)` };
    }
    case 1:
      bytes[at] = random.pick(INTERESTING_BYTES);
      return { bytes, how: `byte ${at} := interesting` };
    case 2: {
      const length = 1 + random.below(Math.min(64, Math.max(1, bytes.length - at)));
      return { bytes: concat(bytes.subarray(0, at), bytes.subarray(at + length)), how: `delete ${length} at ${at}` };
    }
    case 3: {
      const length = 1 + random.below(Math.min(256, Math.max(1, bytes.length - at)));
      const chunk = bytes.subarray(at, at + length);
      return { bytes: concat(bytes.subarray(0, at), chunk, bytes.subarray(at)), how: `duplicate ${length} at ${at}` };
    }
    case 4:
      return { bytes: bytes.subarray(0, at), how: `truncate at ${at}` };
    default: {
      // A large varint (a length or a dim) written over the bytes at `at`.
      const varint = encodeVarint(BigInt(random.pick(INTERESTING_INTS.filter((v) => v >= 0))));
      bytes.set(varint.subarray(0, Math.max(0, bytes.length - at)), at);
      return { bytes, how: `varint at ${at}` };
    }
  }
}

function encodeVarint(value: bigint): Uint8Array {
  const out: number[] = [];
  let rest = value;
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    out.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Uint8Array.from(out);
}

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function mutateAttribute(attribute: Attribute, random: Random): Attribute {
  switch (attribute.kind) {
    case 'int':
      return Attr.int(random.pick(INTERESTING_INTS) * (random.below(4) === 0 ? -1 : 1));
    case 'ints': {
      const values = attribute.value.map(Number);
      if (values.length === 0 || random.below(4) === 0) return Attr.ints([...values, random.pick(INTERESTING_INTS)]);
      values[random.below(values.length)] = random.pick(INTERESTING_INTS) * (random.below(4) === 0 ? -1 : 1);
      return Attr.ints(values);
    }
    case 'float':
      return Attr.float(random.pick(INTERESTING_FLOATS));
    case 'string':
      return Attr.string(random.pick(['', 'SAME_UPPER', 'VALID', 'nearest', 'cubic', 'x'.repeat(100)]));
    default:
      return attribute;
  }
}

function randomDim(random: Random): Dim {
  return random.below(5) === 0 ? SymDim.named(random.pick(['N', 'H', 'W', 'unk'])) : random.pick(INTERESTING_INTS);
}

/** Applies one structural change; returns what it did, or undefined when the model offered no target. */
function structuralChange(model: Model, random: Random): string | undefined {
  const graph = model.graph;
  const nodes = graph.nodes;
  const node: Node | undefined = nodes.length > 0 ? random.pick(nodes) : undefined;
  switch (random.below(7)) {
    case 0: {
      if (node === undefined || node.attributes.size === 0) return undefined;
      const name = random.pick([...node.attributes.keys()]);
      const attribute = node.attributes.get(name);
      if (attribute === undefined) return undefined;
      node.attributes.set(name, mutateAttribute(attribute, random));
      return `attribute ${name} of ${node.label()}`;
    }
    case 1: {
      const values = [...graph.inputs, ...graph.outputs];
      if (values.length === 0) return undefined;
      const value = random.pick(values);
      const type = value.type;
      if (type === null || type.shape === null || type.shape.length === 0) return undefined;
      const shape = [...type.shape];
      shape[random.below(shape.length)] = randomDim(random);
      value.type = { ...type, shape };
      return `declared shape of '${value.name}'`;
    }
    case 2: {
      const inits = [...graph.initializers.values()].filter((v) => v.constValue !== null);
      if (inits.length === 0) return undefined;
      const init = random.pick(inits);
      const tensor = init.constValue;
      if (tensor === null || tensor.dtype !== 7 || tensor.size === 0 || tensor.size > 64) return undefined;
      const values = tensor.toNumbers();
      values[random.below(values.length)] = random.pick(INTERESTING_INTS) * (random.below(3) === 0 ? -1 : 1);
      init.constValue = Tensor.int64(tensor.dims, values);
      return `int64 initializer '${init.name}'`;
    }
    case 3: {
      if (node === undefined) return undefined;
      node.opType = random.pick(OP_TYPES);
      return `op type of ${node.label()}`;
    }
    case 4: {
      if (node === undefined || node.inputs.length === 0) return undefined;
      const candidates = [...graph.inputs, ...graph.initializers.values(), ...nodes.flatMap((n) => n.outputs)];
      node.setInput(random.below(node.inputs.length), random.pick(candidates));
      return `rewired an input of ${node.label()}`;
    }
    case 5: {
      model.opsetImports.set('', random.pick([1, 6, 7, 9, 11, 13, 17, 18, 22, 23, 999]));
      return 'opset';
    }
    default: {
      if (node === undefined) return undefined;
      node.attributes.set(random.pick(['kernel_shape', 'pads', 'strides', 'axis', 'axes']), Attr.ints([1e9, -5]));
      return `extra attribute on ${node.label()}`;
    }
  }
}

/** Makes one mutant of `seed` (the bytes of a model), byte-level or structural at random. */
export function mutate(seed: Uint8Array, random: Random): Mutant {
  if (random.below(2) === 0) return byteMutant(seed, random);
  let model: Model;
  try {
    model = decodeModel(seed, 'seed');
  } catch {
    return byteMutant(seed, random);
  }
  const changes: string[] = [];
  const rounds = 1 + random.below(3);
  for (let i = 0; i < rounds; i += 1) {
    const change = structuralChange(model, random);
    if (change !== undefined) changes.push(change);
  }
  try {
    return { bytes: encodeModel(model), how: `structural: ${changes.join('; ') || 'none'}` };
  } catch {
    return byteMutant(seed, random);
  }
}
