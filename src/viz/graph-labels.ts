/**
 * The text of a graph picture: compact attribute lists (`k 5×5  s 1×1  p 2`), tensor summaries
 * (`W ⟨256×512×1×1⟩`, or the values of small ones: `scales = [1, 1, 2, 2]`) and value types
 * (`float32[N, 256, H, W]`).
 */
import type { Attribute } from '../ir/attribute.js';
import { formatShape } from '../ir/dim.js';
import { DataType, dtypeName } from '../ir/dtype.js';
import type { Graph } from '../ir/graph.js';
import type { Tensor } from '../ir/tensor.js';
import type { TensorType } from '../ir/value.js';

/** Tensors with at most this many elements show their values; larger ones show their shape. */
export const SMALL_TENSOR_ELEMENTS = 6;

/** Short names of the attributes that appear on most pooling and convolution nodes. */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  kernel_shape: 'k',
  strides: 's',
  pads: 'p',
  dilations: 'd',
  group: 'g',
};

/** Integer attributes whose ONNX default is not worth a line. */
const INT_DEFAULTS: Readonly<Record<string, bigint>> = { group: 1n, ceil_mode: 0n, storage_order: 0n };

/** Attributes shown first, in this order (the window of a pool or conv reads best as kernel, stride, pads). */
export const LEADING_ATTRIBUTES: readonly string[] = [
  'kernel_shape',
  'strides',
  'pads',
  'dilations',
  'group',
  'axis',
  'start',
  'end',
];

/** Attribute values that are the ONNX defaults and only add noise when shown. */
function isNoise(name: string, attribute: Attribute): boolean {
  if (attribute.kind === 'ints' && name === 'dilations') return attribute.value.every((v) => v === 1n);
  if (attribute.kind === 'int' && name in INT_DEFAULTS) return attribute.value === INT_DEFAULTS[name];
  if (attribute.kind === 'string' && name === 'auto_pad') return attribute.value === 'NOTSET';
  return false;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** An int64 as text, with the sentinels PyTorch exports for open Slice bounds spelled out. */
function formatInt(value: bigint): string {
  if (value === INT64_MAX) return 'INT64_MAX';
  if (value === INT64_MIN) return 'INT64_MIN';
  return String(value);
}

/** A float in at most 4 significant digits, without trailing zeros. */
function formatFloat(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  return String(Number(value.toPrecision(4)));
}

/** Dims of a tensor as `256×512×1×1` (`scalar` for rank 0). */
export function formatDims(dims: readonly number[]): string {
  return dims.length === 0 ? 'scalar' : dims.join('×');
}

/** The elements of a small tensor as text (`[1, 1, 2, 2]`, or `3` for a scalar). */
function formatValues(tensor: Tensor): string {
  const data = tensor.data;
  const items: string[] = [];
  for (let i = 0; i < tensor.size; i += 1) {
    const raw = data[i];
    if (typeof raw === 'string') items.push(JSON.stringify(raw));
    else if (typeof raw === 'bigint') items.push(formatInt(raw));
    else if (tensor.dtype === DataType.BOOL) items.push(raw === 0 ? 'false' : 'true');
    else items.push(formatFloat(tensor.numberAt(i)));
  }
  return tensor.dims.length === 0 ? (items[0] ?? '') : `[${items.join(', ')}]`;
}

/**
 * A tensor for a box line: its values when small (`[1, 1, 2, 2]`), else its shape (`⟨256×512×1×1⟩`), with the
 * element type when it is not float32.
 */
export function formatTensorSummary(tensor: Tensor): string {
  if (tensor.size <= SMALL_TENSOR_ELEMENTS && tensor.size > 0) return `= ${formatValues(tensor)}`;
  const type = tensor.dtype === DataType.FLOAT ? '' : ` ${dtypeName(tensor.dtype)}`;
  return `⟨${formatDims(tensor.dims)}⟩${type}`;
}

/** Pads as one number when all are equal (`2`), else all of them, begins then ends (`0,0,1,1`). */
function formatPads(values: readonly bigint[]): string {
  const first = values[0];
  return first !== undefined && values.every((v) => v === first) ? formatInt(first) : values.map(formatInt).join(',');
}

/** `1 node`, `2 nodes`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** One attribute as compact text for a node box; undefined when it only repeats a default. */
export function formatAttributeCompact(
  name: string,
  attribute: Attribute,
  countNodes: (graph: Graph) => number,
): string | undefined {
  if (isNoise(name, attribute)) return undefined;
  const label = ABBREVIATIONS[name] ?? name;
  switch (attribute.kind) {
    case 'int':
      return `${label} ${formatInt(attribute.value)}`;
    case 'float':
      return `${label} ${formatFloat(attribute.value)}`;
    case 'string':
      return `${label} ${attribute.value}`;
    case 'ints': {
      if (name === 'pads') return `${label} ${formatPads(attribute.value)}`;
      const items = attribute.value.map(formatInt);
      // Window attributes read as sizes (`k 5×5`), other lists as lists (`perm [0,2,1]`).
      return `${label} ${name in ABBREVIATIONS ? items.join('×') : `[${items.join(',')}]`}`;
    }
    case 'floats':
      return `${label} [${attribute.value.map(formatFloat).join(',')}]`;
    case 'strings':
      return `${label} [${attribute.value.join(',')}]`;
    case 'tensor':
      return `${label} ${formatTensorSummary(attribute.value)}`;
    case 'tensors':
      return `${label} ${attribute.value.length} tensors`;
    case 'graph':
      return `${label}: subgraph '${attribute.value.name}' (${plural(countNodes(attribute.value), 'node')})`;
    case 'graphs': {
      const nodes = attribute.value.reduce((sum, graph) => sum + countNodes(graph), 0);
      return `${label}: ${plural(attribute.value.length, 'subgraph')} (${plural(nodes, 'node')})`;
    }
    case 'opaque':
      return `${label} (${attribute.value.length} bytes)`;
  }
}

/** The type of a value for an edge label: `float32[N, 256, H, W]`, or `?` when unknown. */
export function formatEdgeType(type: TensorType | null): string {
  if (type === null) return '?';
  return `${dtypeName(type.dtype)}${type.shape === null ? '[?]' : formatShape(type.shape)}`;
}
