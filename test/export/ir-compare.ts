/**
 * Structural comparison of two IR models, for round-trip tests. Returns the list of differences (empty when
 * equal), each with the path where it was found. Compares everything the export layer reads and writes:
 * model and graph metadata, preserved fields, names, types and shapes, attributes, tensors bit for bit.
 */
import { formatAttribute, type Attribute } from '../../src/ir/attribute.js';
import { formatDim, type Dim } from '../../src/ir/dim.js';
import type { Graph, Model } from '../../src/ir/graph.js';
import { tensorsIdentical, type Tensor } from '../../src/ir/tensor.js';
import type { PreservedField, TensorType, Value } from '../../src/ir/value.js';

type Diffs = string[];

function same<T>(diffs: Diffs, path: string, a: T, b: T): void {
  if (a !== b) diffs.push(`${path}: ${String(a)} != ${String(b)}`);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function sameMap(
  diffs: Diffs,
  path: string,
  a: ReadonlyMap<string, string> | undefined,
  b: ReadonlyMap<string, string> | undefined,
): void {
  const left = JSON.stringify([...(a ?? new Map<string, string>())]);
  const right = JSON.stringify([...(b ?? new Map<string, string>())]);
  if (left !== right) diffs.push(`${path}: ${left} != ${right}`);
}

function samePreserved(diffs: Diffs, path: string, a: readonly PreservedField[], b: readonly PreservedField[]): void {
  same(diffs, `${path}.length`, a.length, b.length);
  a.forEach((field, i) => {
    const other = b[i];
    if (other === undefined) return;
    same(diffs, `${path}[${i}].fieldNumber`, field.fieldNumber, other.fieldNumber);
    if (!bytesEqual(field.bytes, other.bytes)) diffs.push(`${path}[${i}].bytes differ`);
  });
}

function dimText(dim: Dim): string {
  return typeof dim === 'number' ? String(dim) : dim.isUnknown ? '?' : `sym:${formatDim(dim)}`;
}

function sameType(diffs: Diffs, path: string, a: TensorType | null, b: TensorType | null): void {
  if (a === null || b === null) {
    if (a !== b) diffs.push(`${path}: one type is null`);
    return;
  }
  same(diffs, `${path}.dtype`, a.dtype, b.dtype);
  same(
    diffs,
    `${path}.shape`,
    a.shape === null ? 'null' : a.shape.map(dimText).join(','),
    b.shape === null ? 'null' : b.shape.map(dimText).join(','),
  );
  same(diffs, `${path}.denotation`, a.denotation, b.denotation);
  same(diffs, `${path}.dimDenotations`, JSON.stringify(a.dimDenotations), JSON.stringify(b.dimDenotations));
}

function sameValue(diffs: Diffs, path: string, a: Value, b: Value): void {
  same(diffs, `${path}.name`, a.name, b.name);
  sameType(diffs, `${path}.type`, a.type, b.type);
  same(diffs, `${path}.docString`, a.docString, b.docString);
  sameMap(diffs, `${path}.metadataProps`, a.metadataProps, b.metadataProps);
  if (
    (a.opaqueType === null) !== (b.opaqueType === null) ||
    (a.opaqueType !== null && b.opaqueType !== null && !bytesEqual(a.opaqueType, b.opaqueType))
  ) {
    diffs.push(`${path}.opaqueType differs`);
  }
}

function sameTensor(diffs: Diffs, path: string, a: Tensor, b: Tensor): void {
  if (!tensorsIdentical(a, b)) diffs.push(`${path}: tensors differ (${a.describe()} vs ${b.describe()})`);
  same(diffs, `${path}.info.name`, a.info.name, b.info.name);
  same(diffs, `${path}.info.docString`, a.info.docString, b.info.docString);
  sameMap(diffs, `${path}.info.metadataProps`, a.info.metadataProps, b.info.metadataProps);
}

function sameAttribute(diffs: Diffs, path: string, a: Attribute, b: Attribute): void {
  same(diffs, `${path}.kind`, a.kind, b.kind);
  same(diffs, `${path}.docString`, a.docString, b.docString);
  same(diffs, `${path}.refAttrName`, a.refAttrName, b.refAttrName);
  if (a.kind === 'tensor' && b.kind === 'tensor') sameTensor(diffs, path, a.value, b.value);
  else if (a.kind === 'tensors' && b.kind === 'tensors') {
    same(diffs, `${path}.length`, a.value.length, b.value.length);
    a.value.forEach((tensor, i) => {
      const other = b.value[i];
      if (other !== undefined) sameTensor(diffs, `${path}[${i}]`, tensor, other);
    });
  } else if (a.kind === 'graph' && b.kind === 'graph') sameGraph(diffs, `${path}.graph`, a.value, b.value);
  else if (a.kind === 'graphs' && b.kind === 'graphs') {
    same(diffs, `${path}.length`, a.value.length, b.value.length);
    a.value.forEach((graph, i) => {
      const other = b.value[i];
      if (other !== undefined) sameGraph(diffs, `${path}[${i}]`, graph, other);
    });
  } else if (a.kind === 'opaque' && b.kind === 'opaque') {
    if (!bytesEqual(a.value, b.value)) diffs.push(`${path}: opaque bytes differ`);
  } else if (a.kind === b.kind) {
    // Scalars and lists: compare by value; Object.is keeps NaN equal to NaN and -0 apart from 0.
    const left = Array.isArray(a.value) ? a.value : [a.value];
    const right = Array.isArray(b.value) ? b.value : [b.value];
    const equal = left.length === right.length && left.every((item, i) => Object.is(item, right[i]));
    if (!equal) diffs.push(`${path}: ${formatAttribute(a)} != ${formatAttribute(b)}`);
  }
}

function sameValues(diffs: Diffs, path: string, a: readonly Value[], b: readonly Value[]): void {
  same(diffs, `${path}.length`, a.length, b.length);
  a.forEach((value, i) => {
    const other = b[i];
    if (other !== undefined) sameValue(diffs, `${path}[${i}]`, value, other);
  });
}

function sameGraph(diffs: Diffs, path: string, a: Graph, b: Graph): void {
  same(diffs, `${path}.name`, a.name, b.name);
  same(diffs, `${path}.docString`, a.docString, b.docString);
  sameMap(diffs, `${path}.metadataProps`, a.metadataProps, b.metadataProps);
  samePreserved(diffs, `${path}.preserved`, a.preserved, b.preserved);
  sameValues(diffs, `${path}.inputs`, a.inputs, b.inputs);
  sameValues(diffs, `${path}.outputs`, a.outputs, b.outputs);
  sameValues(diffs, `${path}.extraValueInfo`, a.extraValueInfo, b.extraValueInfo);
  same(diffs, `${path}.initializers`, [...a.initializers.keys()].join(','), [...b.initializers.keys()].join(','));
  for (const [name, value] of a.initializers) {
    const other = b.initializers.get(name);
    if (other === undefined || value.constValue === null || other.constValue === null) continue;
    sameValue(diffs, `${path}.initializers['${name}']`, value, other);
    sameTensor(diffs, `${path}.initializers['${name}'].constValue`, value.constValue, other.constValue);
  }
  same(diffs, `${path}.nodes.length`, a.nodes.length, b.nodes.length);
  a.nodes.forEach((node, i) => {
    const other = b.nodes[i];
    if (other === undefined) return;
    const at = `${path}.nodes[${i}]`;
    same(diffs, `${at}.opType`, node.opType, other.opType);
    same(diffs, `${at}.domain`, node.domain, other.domain);
    same(diffs, `${at}.name`, node.name, other.name);
    same(diffs, `${at}.overload`, node.overload, other.overload);
    same(diffs, `${at}.docString`, node.docString, other.docString);
    sameMap(diffs, `${at}.metadataProps`, node.metadataProps, other.metadataProps);
    samePreserved(diffs, `${at}.preserved`, node.preserved, other.preserved);
    same(
      diffs,
      `${at}.inputs`,
      node.inputs.map((v) => v?.name ?? '<none>').join(','),
      other.inputs.map((v) => v?.name ?? '<none>').join(','),
    );
    sameValues(diffs, `${at}.outputs`, node.outputs, other.outputs);
    same(diffs, `${at}.attributes`, [...node.attributes.keys()].join(','), [...other.attributes.keys()].join(','));
    for (const [name, attribute] of node.attributes) {
      const otherAttribute = other.attributes.get(name);
      if (otherAttribute !== undefined) sameAttribute(diffs, `${at}.attributes['${name}']`, attribute, otherAttribute);
    }
  });
}

/** Every structural difference between two models (empty when they are equal). */
export function diffModels(a: Model, b: Model): string[] {
  const diffs: Diffs = [];
  same(diffs, 'irVersion', a.irVersion, b.irVersion);
  same(diffs, 'opsetImports', JSON.stringify([...a.opsetImports]), JSON.stringify([...b.opsetImports]));
  same(diffs, 'producerName', a.producerName, b.producerName);
  same(diffs, 'producerVersion', a.producerVersion, b.producerVersion);
  same(diffs, 'domain', a.domain, b.domain);
  same(diffs, 'modelVersion', a.modelVersion, b.modelVersion);
  same(diffs, 'docString', a.docString, b.docString);
  sameMap(diffs, 'metadataProps', a.metadataProps, b.metadataProps);
  samePreserved(diffs, 'preserved', a.preserved, b.preserved);
  sameGraph(diffs, 'graph', a.graph, b.graph);
  return diffs;
}
