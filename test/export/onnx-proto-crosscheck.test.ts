import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { formatDim } from '../../src/ir/dim.js';
import type { Graph } from '../../src/ir/graph.js';
import { decodeModel } from '../../src/export/model.js';
import { findFiles, GOLDEN_DIR, haveGolden } from './helpers.js';

const { onnx } = onnxProto;
const present = haveGolden('export/onnx-proto-crosscheck');

/** int64 from onnx-proto (number or Long) as a decimal string. */
function int64Text(value: number | { toString(): string } | null | undefined): string {
  return value === null || value === undefined ? '0' : value.toString();
}

function dimsOf(type: onnxProto.onnx.ITypeProto | null | undefined): string {
  const dims = type?.tensorType?.shape?.dim;
  if (dims === undefined || dims === null) return 'null';
  return dims
    .map((dim: onnxProto.onnx.TensorShapeProto.IDimension) =>
      dim.dimParam
        ? `sym:${dim.dimParam}`
        : dim.dimValue !== undefined && dim.dimValue !== null && Object.hasOwn(dim, 'dimValue')
          ? int64Text(dim.dimValue)
          : '?',
    )
    .join(',');
}

function ourDims(graph: Graph, name: string, kind: 'input' | 'output'): string {
  const value = (kind === 'input' ? graph.inputs : graph.outputs).find((v) => v.name === name);
  const shape = value?.type?.shape;
  if (shape === null || shape === undefined) return 'null';
  return shape
    .map((dim) => (typeof dim === 'number' ? String(dim) : dim.isUnknown ? '?' : `sym:${formatDim(dim)}`))
    .join(',');
}

describe.skipIf(!present)('cross-check against onnx-proto (ONNX 1.10 schema) on fields both know', () => {
  // Every 7th model plus every torch-export model: a sample over all op kinds and both exporters.
  const files = findFiles(GOLDEN_DIR, '.onnx').filter(
    (file, index) => index % 7 === 0 || file.includes('torch-export'),
  );

  it('agrees on model fields, graph inputs/outputs, nodes, attributes and initializer bytes', () => {
    expect(files.length).toBeGreaterThan(40);
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      // The decoded class instances always carry their repeated fields as arrays.
      const theirs = onnx.ModelProto.decode(bytes);
      const ours = decodeModel(bytes, file);
      const graph =
        theirs.graph === null || theirs.graph === undefined ? undefined : onnx.GraphProto.fromObject(theirs.graph);
      if (graph === undefined) throw new Error(`${file}: onnx-proto found no graph`);
      expect(String(ours.irVersion), file).toBe(int64Text(theirs.irVersion));
      expect([...ours.opsetImports], file).toEqual(
        theirs.opsetImport.map((o) => [o.domain ?? '', Number(int64Text(o.version))]),
      );
      expect(ours.producerName, file).toBe(theirs.producerName);
      expect(ours.graph.name, file).toBe(graph.name);
      expect(
        ours.graph.inputs.map((v) => v.name),
        file,
      ).toEqual(graph.input.map((v) => v.name));
      expect(
        ours.graph.outputs.map((v) => v.name),
        file,
      ).toEqual(graph.output.map((v) => v.name));
      for (const info of graph.input)
        expect(ourDims(ours.graph, info.name ?? '', 'input'), `${file} ${info.name}`).toBe(dimsOf(info.type));
      for (const info of graph.output)
        expect(ourDims(ours.graph, info.name ?? '', 'output'), `${file} ${info.name}`).toBe(dimsOf(info.type));
      expect(ours.graph.nodes.length, file).toBe(graph.node.length);
      graph.node.forEach((node, i) => {
        const mine = ours.graph.nodes[i];
        expect(mine?.opType, file).toBe(node.opType);
        expect(mine?.name, file).toBe(node.name);
        expect(
          mine?.inputs.map((v) => v?.name ?? ''),
          file,
        ).toEqual(node.input);
        expect(
          mine?.outputs.map((v) => v.name),
          file,
        ).toEqual(node.output);
        for (const attribute of node.attribute ?? []) {
          const our = mine?.attributes.get(attribute.name ?? '');
          if (our?.kind === 'ints') expect(our.value.map(String), file).toEqual((attribute.ints ?? []).map(int64Text));
          else if (our?.kind === 'int') expect(String(our.value), file).toBe(int64Text(attribute.i));
          else if (our?.kind === 'float') expect(our.value, file).toBe(attribute.f);
          else if (our?.kind === 'floats') expect(our.value, file).toEqual(attribute.floats);
          else if (our?.kind === 'string')
            expect(our.value, file).toBe(new TextDecoder().decode(attribute.s ?? new Uint8Array()));
          else if (our?.kind === 'tensor')
            expect(our.value.dims.map(String), file).toEqual((attribute.t?.dims ?? []).map(int64Text));
          else expect(our, `${file}: attribute ${attribute.name}`).toBeDefined();
        }
      });
      expect([...ours.graph.initializers.keys()], file).toEqual(graph.initializer.map((t) => t.name));
      for (const tensor of graph.initializer) {
        const value = ours.graph.initializers.get(tensor.name ?? '')?.constValue;
        if (value === null || value === undefined || Array.isArray(value.data))
          throw new Error(`${file}: initializer ${tensor.name} missing`);
        expect(value.dims.map(String), file).toEqual((tensor.dims ?? []).map(int64Text));
        expect(value.dtype, file).toBe(tensor.dataType);
        const ourBytes = Buffer.from(value.data.buffer, value.data.byteOffset, value.data.byteLength);
        expect(ourBytes.equals(Buffer.from(tensor.rawData ?? new Uint8Array())), `${file} ${tensor.name}`).toBe(true);
      }
    }
  });
});
