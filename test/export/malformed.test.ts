import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataType } from '../../src/ir/dtype.js';
import { DecodeError } from '../../src/ir/errors.js';
import { decodeModel } from '../../src/export/model.js';
import { findFiles, GOLDEN_DIR, haveGolden, ProtoBytes, WT } from './helpers.js';
import { prng } from '../../src/blocks/weights.js';

/** ModelProto/GraphProto/NodeProto/ValueInfoProto/AttributeProto field numbers (onnx.proto). */
const M = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
const G = { node: 1, name: 2, input: 11, output: 12 } as const;
const N = { input: 1, output: 2, name: 3, opType: 4, attribute: 5 } as const;

function valueInfo(name: string): ProtoBytes {
  const shape = new ProtoBytes().message(1, new ProtoBytes().int(1, 2));
  const tensorType = new ProtoBytes().int(1, DataType.FLOAT).message(2, shape);
  return new ProtoBytes().string(1, name).message(2, new ProtoBytes().message(1, tensorType));
}

function model(graph: ProtoBytes): Uint8Array {
  return new ProtoBytes()
    .int(M.irVersion, 8)
    .message(M.graph, graph)
    .message(M.opsetImport, new ProtoBytes().string(1, '').int(2, 17))
    .finish();
}

function reluGraph(node: ProtoBytes, outputName = 'y'): ProtoBytes {
  return new ProtoBytes()
    .message(G.node, node)
    .string(G.name, 'g')
    .message(G.input, valueInfo('x'))
    .message(G.output, valueInfo(outputName));
}

function relu(input: string): ProtoBytes {
  return new ProtoBytes().string(N.input, input).string(N.output, 'y').string(N.name, 'act').string(N.opType, 'Relu');
}

function decodeError(bytes: Uint8Array): DecodeError {
  try {
    decodeModel(bytes, 'bad.onnx');
  } catch (error) {
    if (error instanceof DecodeError) return error;
    throw error;
  }
  throw new Error('expected a DecodeError');
}

describe('malformed models', () => {
  it('decodes the well-formed hand-built model', () => {
    const decoded = decodeModel(model(reluGraph(relu('x'))), 'good.onnx');
    expect(decoded.graph.nodes.map((node) => node.opType)).toEqual(['Relu']);
    expect(decoded.graph.outputs[0]?.producer()?.name).toBe('act');
  });

  it('names the node and the value when a node input names no value', () => {
    const error = decodeError(model(reluGraph(relu('nope'))));
    expect(error.message).toMatch(/^bad\.onnx: graph 'g': Relu node 'act' input 'nope' names no value/);
  });

  it('refuses a graph output that names no value', () => {
    expect(decodeError(model(reluGraph(relu('x'), 'missing'))).message).toMatch(
      /graph 'g': output 'missing' names no value/,
    );
  });

  it('refuses a value defined twice', () => {
    const graph = reluGraph(relu('x')).message(G.node, relu('x'));
    expect(decodeError(model(graph)).message).toMatch(/'y' reuses a name/);
  });

  it('refuses a field with the wrong wire type, naming the field', () => {
    const bytes = new ProtoBytes().tag(M.irVersion, WT.LEN).varint(1).varint(0).finish();
    expect(decodeError(bytes).message).toMatch(/ModelProto\.irVersion: wire type 2, expected 0/);
  });

  it('refuses an out-of-range attribute type', () => {
    const node = relu('x').message(N.attribute, new ProtoBytes().string(1, 'alpha').int(20, 99));
    expect(decodeError(model(reluGraph(node))).message).toMatch(
      /attribute\[0\]\.type: type = 99 is not a AttributeType value/,
    );
  });

  it('refuses truncated bytes and a model without a graph', () => {
    const good = model(reluGraph(relu('x')));
    expect(decodeError(good.subarray(0, good.length - 3)).message).toMatch(/bad\.onnx: malformed ModelProto/);
    expect(decodeError(new ProtoBytes().int(M.irVersion, 8).finish()).message).toMatch(/model has no graph/);
  });

  it('refuses deeply nested garbage without overflowing the stack', () => {
    let graph = new ProtoBytes().string(G.name, 'leaf');
    for (let depth = 0; depth < 300; depth += 1) {
      const attribute = new ProtoBytes().string(1, 'body').int(20, 5).message(6, graph);
      graph = new ProtoBytes().message(
        G.node,
        new ProtoBytes().string(N.opType, 'Loop').message(N.attribute, attribute),
      );
    }
    expect(decodeError(model(graph)).message).toMatch(/nested deeper than/);
  });
});

const present = haveGolden('export/malformed fuzz');

/** Fuzz cases per model and kind (bounded so the whole file runs in a few seconds). */
const FUZZ_CASES = Number(process.env.SPPKIT_FUZZ_CASES ?? 12);

describe.skipIf(!present)('fuzzing golden models', () => {
  // Small models only (so that each decode is fast); every onnx-node model and the small torch exports.
  const files = findFiles(GOLDEN_DIR, '.onnx').filter((file) => readFileSync(file).length < 20_000);

  /** Decodes and classifies: 'ok', 'decode-error', or the unexpected error's text. */
  const attempt = (bytes: Uint8Array): string => {
    try {
      decodeModel(bytes, 'fuzz.onnx');
      return 'ok';
    } catch (error) {
      // A DecodeError that wraps an unexpected exception is a decoder bug, not a clean refusal.
      if (error instanceof DecodeError && !error.detail.startsWith('unexpected ')) return 'decode-error';
      return `${error instanceof Error ? error.name : typeof error}: ${String(error)}`;
    }
  };

  it('truncated models decode or throw DecodeError', () => {
    const random = prng(1);
    const unexpected: string[] = [];
    let decodeErrors = 0;
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      for (let i = 0; i < FUZZ_CASES; i += 1) {
        const cut = Math.floor(random() * bytes.length);
        const outcome = attempt(bytes.subarray(0, cut));
        if (outcome === 'decode-error') decodeErrors += 1;
        else if (outcome !== 'ok') unexpected.push(`${file} cut at ${cut}: ${outcome}`);
      }
    }
    expect(unexpected).toEqual([]);
    expect(decodeErrors).toBeGreaterThan(files.length);
  });

  it('models with random bytes flipped decode or throw DecodeError', () => {
    const random = prng(2);
    const unexpected: string[] = [];
    for (const file of files) {
      const original = new Uint8Array(readFileSync(file));
      for (let i = 0; i < FUZZ_CASES; i += 1) {
        const bytes = original.slice();
        const flips = 1 + Math.floor(random() * 4);
        for (let f = 0; f < flips; f += 1) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        const outcome = attempt(bytes);
        if (outcome !== 'ok' && outcome !== 'decode-error') unexpected.push(`${file} case ${i}: ${outcome}`);
      }
    }
    expect(unexpected).toEqual([]);
  });

  it('random byte strings throw DecodeError (or decode)', () => {
    const random = prng(3);
    for (let i = 0; i < 500; i += 1) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256));
      expect(['ok', 'decode-error']).toContain(attempt(bytes));
    }
  });
});
