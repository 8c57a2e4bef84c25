import { describe, expect, it } from 'vitest';
import { Attr } from '../../src/ir/attribute.js';
import { addDims, divDim, SymDim } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph, Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import { Value } from '../../src/ir/value.js';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { diffModels } from './ir-compare.js';
import { ProtoBytes } from './helpers.js';

/** A model that uses every feature the export layer maps. */
function featureModel(): Model {
  const graph = new Graph('features');
  graph.docString = 'graph doc';
  graph.metadataProps.set('graph-key', 'graph-value');
  const H = SymDim.named('H');
  const x = graph.addInput('x', {
    dtype: DataType.FLOAT,
    shape: [SymDim.named('N'), 3, H, SymDim.unknown()],
    denotation: 'TENSOR',
    dimDenotations: ['DATA_BATCH', 'DATA_CHANNEL', '', ''],
  });
  x.docString = 'the input';
  x.metadataProps.set('source', 'camera');
  // IR < 4 style: a graph input whose default value is an initializer.
  const scale = graph.addInput('scale', { dtype: DataType.FLOAT, shape: [1] });
  scale.constValue = new Tensor(DataType.FLOAT, [1], Float32Array.of(2), {
    docString: 'scale doc',
    metadataProps: new Map([['k', 'v']]),
  });
  graph.initializers.set('scale', scale);
  graph.addInitializer('bias', Tensor.float32([1], [0.5]));
  const mul = graph.addNode({ opType: 'Mul', inputs: [x, scale], outputs: ['scaled'], name: 'mul' });
  mul.docString = 'node doc';
  mul.metadataProps.set('node-key', 'node-value');
  const scaled = mul.outputs[0] as Value;
  scaled.type = { dtype: DataType.FLOAT, shape: [SymDim.named('N'), 3, divDim(addDims(H, 1), 2, 'floor'), 7] };
  scaled.metadataProps.set('value-key', 'value-value');
  const attributes = new Map([
    ['alpha', { ...Attr.float(0.25), docString: 'attr doc' }],
    ['int_max', Attr.int(2n ** 63n - 1n)],
    ['ints', Attr.ints([-1, 0, 2n ** 40n])],
    ['floats', Attr.floats([1.5, -0])],
    ['text', Attr.string('ünï')],
    ['texts', Attr.strings(['a', ''])],
    ['value', Attr.tensor(new Tensor(DataType.INT64, [2], BigInt64Array.of(1n, -1n), { name: 'const_tensor' }))],
    [
      'opaque',
      {
        kind: 'opaque' as const,
        value: new ProtoBytes().string(1, 'opaque').message(14, new ProtoBytes()).int(20, 13).finish(),
      },
    ],
  ]);
  const custom = graph.addNode({
    opType: 'Custom',
    inputs: [scaled, null, graph.initializers.get('bias') ?? null],
    outputs: ['custom_out'],
    name: 'custom',
    domain: 'com.example',
    attributes,
  });
  custom.overload = 'v2';
  // A subgraph that reads an outer value.
  const branch = new Graph('then_branch', graph);
  const inner = branch.addNode({ opType: 'Identity', inputs: [custom.outputs[0] as Value], outputs: ['inner_out'] });
  branch.addOutput(inner.outputs[0] as Value);
  const ifNode = graph.addNode({
    opType: 'If',
    inputs: [x],
    outputs: ['y'],
    name: 'if',
    attributes: new Map([['then_branch', { kind: 'graph', value: branch }]]),
  });
  graph.addOutput(ifNode.outputs[0] as Value);
  const extra = new Value('not_in_graph', { dtype: DataType.INT8, shape: [] });
  graph.extraValueInfo.push(extra);
  const sequence = new Value('seq_info');
  // TypeProto { sequence_type { elem_type { tensor_type { elem_type: FLOAT } } } }
  sequence.opaqueType = new ProtoBytes()
    .message(4, new ProtoBytes().message(1, new ProtoBytes().message(1, new ProtoBytes().int(1, 1))))
    .finish();
  graph.extraValueInfo.push(sequence);

  const model = new Model(graph, 18);
  model.opsetImports.set('com.example', 1);
  model.irVersion = 10;
  model.producerName = 'test';
  model.producerVersion = '1.0';
  model.domain = 'org.example';
  model.modelVersion = 42n;
  model.docString = 'model doc';
  model.metadataProps.set('b', '2');
  model.metadataProps.set('a', '1');
  // functions (25) and an unknown future field (99), kept verbatim.
  model.preserved.push({
    fieldNumber: 25,
    bytes: new ProtoBytes().message(25, new ProtoBytes().string(1, 'fn').string(10, 'local')).finish(),
  });
  model.preserved.push({ fieldNumber: 99, bytes: new ProtoBytes().int(99, 7).finish() });
  return model;
}

describe('model round trips', () => {
  it('keeps every feature through encode → decode', () => {
    const model = featureModel();
    const back = decodeModel(encodeModel(model), 'features.onnx');
    expect(diffModels(model, back)).toEqual([]);
  });

  it('writes a symbolic expression dim as its text in dim_param', () => {
    const back = decodeModel(encodeModel(featureModel()));
    const scaled = back.graph.nodes[0]?.outputs[0];
    expect(scaled?.type?.shape?.[2]?.toString()).toBe('floor((H + 1)/2)');
  });

  it('keeps an initializer that is also a graph input as one value', () => {
    const back = decodeModel(encodeModel(featureModel()));
    const scale = back.graph.initializers.get('scale');
    expect(scale).toBeDefined();
    expect(back.graph.inputs).toContain(scale);
    expect(scale?.constValue?.toNumbers()).toEqual([2]);
  });

  it('links the decoded nodes: producers, uses and outer-scope uses from subgraphs', () => {
    const back = decodeModel(encodeModel(featureModel()));
    const custom = back.graph.nodes[1];
    const customOut = custom?.outputs[0];
    expect(customOut?.uses().map((use) => use.node.opType)).toEqual(['Identity']);
    expect(back.graph.outputs[0]?.producer()?.name).toBe('if');
    expect(custom?.inputs[1]).toBeNull();
  });

  it('encodes byte-identically twice and keeps preserved fields in field-number order', () => {
    const model = featureModel();
    const bytes = encodeModel(model);
    expect(Buffer.from(encodeModel(model)).equals(Buffer.from(bytes))).toBe(true);
    expect(Buffer.from(encodeModel(decodeModel(bytes))).equals(Buffer.from(bytes))).toBe(true);
    // The unknown field 99 is last, after metadata_props (14) and functions (25).
    expect([...bytes.subarray(bytes.length - 3)]).toEqual([0x98, 0x06, 7]);
  });

  it('keeps graph-level fields it does not model (quantization annotations)', () => {
    const model = featureModel();
    const annotation = new ProtoBytes()
      .string(1, 'x')
      .message(2, new ProtoBytes().string(1, 'SCALE_TENSOR').string(2, 'scale'));
    model.graph.preserved.push({ fieldNumber: 14, bytes: new ProtoBytes().message(14, annotation).finish() });
    const back = decodeModel(encodeModel(model));
    expect(diffModels(model, back)).toEqual([]);
  });
});
