/**
 * sppkit's protobuf reader and writer (wire-read.ts, wire-write.ts): what they keep, how they refuse bad bytes.
 * Bytes are built by hand with the test helper, independently of the schema under test.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { decodeTensor, encodeTensor } from '../../src/export/tensor-codec.js';
import { DataType } from '../../src/ir/dtype.js';
import { DecodeError } from '../../src/ir/errors.js';
import { ProtoBytes, WT } from './helpers.js';

function valueInfo(name: string): ProtoBytes {
  const shape = new ProtoBytes().message(1, new ProtoBytes().int(1, 2));
  return new ProtoBytes()
    .string(1, name)
    .message(2, new ProtoBytes().message(1, new ProtoBytes().int(1, DataType.FLOAT).message(2, shape)));
}

/** ModelProto { ir_version 8, graph, opset 17 } around `graph`. */
function model(graph: ProtoBytes): Uint8Array {
  return new ProtoBytes().int(1, 8).message(7, graph).message(8, new ProtoBytes().string(1, '').int(2, 17)).finish();
}

function reluGraph(node: ProtoBytes): ProtoBytes {
  return new ProtoBytes().message(1, node).string(2, 'g').message(11, valueInfo('x')).message(12, valueInfo('y'));
}

function relu(): ProtoBytes {
  return new ProtoBytes().string(1, 'x').string(2, 'y').string(3, 'act').string(4, 'Relu');
}

function decodeError(bytes: Uint8Array): DecodeError {
  const started = performance.now();
  try {
    decodeModel(bytes, 'bad.onnx');
  } catch (error) {
    expect(performance.now() - started).toBeLessThan(1000);
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('fields the schema does not know', () => {
  it('keeps unknown NodeProto and GraphProto fields and writes them back in field-number order', () => {
    const node = relu().int(99, 5).string(98, 'future');
    const graph = reluGraph(node).int(40, 3);
    const bytes = model(graph);
    const decoded = decodeModel(bytes);
    expect(decoded.graph.nodes[0]?.preserved.map((field) => field.fieldNumber)).toEqual([99, 98]);
    expect(decoded.graph.preserved.map((field) => field.fieldNumber)).toEqual([40]);
    const sorted = model(reluGraph(relu().string(98, 'future').int(99, 5)).int(40, 3));
    expect(Buffer.from(encodeModel(decoded)).equals(Buffer.from(sorted))).toBe(true);
  });

  it('keeps the typed field a tensor was read from, and a tensor with no data field at all', () => {
    const floats = new ProtoBytes()
      .int(1, 2)
      .int(2, DataType.FLOAT)
      .packedFixed(4, 4, [1.5, -2], (view, at, value) => view.setFloat32(at, value, true))
      .string(8, 'f')
      .finish();
    expect(Buffer.from(encodeTensor(decodeTensor(floats).tensor, 'f')).equals(Buffer.from(floats))).toBe(true);
    const int32 = new ProtoBytes().int(1, 2).int(2, DataType.INT8).packedVarints(5, [-1, 7]).string(8, 'i').finish();
    expect(Buffer.from(encodeTensor(decodeTensor(int32).tensor, 'i')).equals(Buffer.from(int32))).toBe(true);
    const empty = new ProtoBytes().int(1, 0).int(2, DataType.FLOAT).string(8, 'like').finish();
    expect(Buffer.from(encodeTensor(decodeTensor(empty).tensor, 'like')).equals(Buffer.from(empty))).toBe(true);
  });
});

describe('malformed bytes', () => {
  it('refuses a declared length far beyond the bytes, without allocating it', () => {
    const bytes = new ProtoBytes()
      .int(1, 8)
      .tag(7, WT.LEN)
      .varint(2n ** 40n)
      .finish();
    expect(decodeError(bytes).message).toMatch(/ModelProto\.graph: length 1099511627776 runs past the end/);
    const rawData = new ProtoBytes().int(1, 4).int(2, DataType.FLOAT).tag(9, WT.LEN).varint(4e9).finish();
    expect(() => decodeTensor(rawData, 't.pb')).toThrow(/TensorProto\.rawData: length 4000000000 runs past the end/);
  });

  it('refuses varints longer than 10 bytes and group wire types', () => {
    const long = Uint8Array.from([0x08, ...new Array<number>(11).fill(0xff), 0x01]);
    expect(decodeError(long).message).toMatch(/ModelProto\.irVersion: varint longer than 10 bytes/);
    expect(decodeError(new ProtoBytes().tag(50, 3).finish()).message).toMatch(
      /unknown field 50: unsupported wire type 3/,
    );
  });

  it('names the path of a bad field inside nested messages', () => {
    const node = relu().message(5, new ProtoBytes().string(1, 'alpha').tag(2, WT.VARINT).varint(1));
    expect(decodeError(model(reluGraph(node))).message).toMatch(
      /malformed ModelProto: ModelProto\.graph\.node\[0\]\.attribute\[0\]\.f: wire type 0, expected 5/,
    );
  });
});
