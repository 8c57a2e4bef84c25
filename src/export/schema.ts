/**
 * The ONNX protobuf schema (onnx.proto as of ONNX 1.20, IR version 13), written as a protobufjs JSON descriptor.
 *
 * onnx.proto is proto2: optional scalars track presence, and repeated scalars are unpacked unless the spec marks
 * them `[packed = true]` (only the typed data fields of TensorProto). Field names are the camelCase forms that
 * protobufjs uses for the snake_case names of the spec (`raw_data` → `rawData`).
 */
import protobuf from 'protobufjs';

/** A field descriptor: `[type, id]` with an optional rule and options. */
interface FieldSpec {
  readonly type: string;
  readonly id: number;
  readonly rule?: 'repeated';
  readonly options?: { readonly packed: boolean };
}

function field(type: string, id: number): FieldSpec {
  return { type, id };
}

function repeated(type: string, id: number): FieldSpec {
  return { type, id, rule: 'repeated' };
}

function packed(type: string, id: number): FieldSpec {
  return { type, id, rule: 'repeated', options: { packed: true } };
}

/** `TensorProto.DataType` names by code (ONNX 1.20). */
export const ONNX_DATA_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED',
  1: 'FLOAT',
  2: 'UINT8',
  3: 'INT8',
  4: 'UINT16',
  5: 'INT16',
  6: 'INT32',
  7: 'INT64',
  8: 'STRING',
  9: 'BOOL',
  10: 'FLOAT16',
  11: 'DOUBLE',
  12: 'UINT32',
  13: 'UINT64',
  14: 'COMPLEX64',
  15: 'COMPLEX128',
  16: 'BFLOAT16',
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
  24: 'FLOAT8E8M0',
  25: 'UINT2',
  26: 'INT2',
};

/** `AttributeProto.AttributeType` codes. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** `TensorProto.DataLocation` codes. */
export const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;

function dataTypeValues(): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [code, name] of Object.entries(ONNX_DATA_TYPE_NAMES)) values[name] = Number(code);
  return values;
}

/** The messages and enums of package `onnx`, by name. */
const onnxTypes: Record<string, protobuf.IType | protobuf.IEnum> = {
  AttributeProto: {
    fields: {
      name: field('string', 1),
      refAttrName: field('string', 21),
      docString: field('string', 13),
      type: field('AttributeType', 20),
      f: field('float', 2),
      i: field('int64', 3),
      s: field('bytes', 4),
      t: field('TensorProto', 5),
      g: field('GraphProto', 6),
      sparseTensor: field('SparseTensorProto', 22),
      tp: field('TypeProto', 14),
      floats: repeated('float', 7),
      ints: repeated('int64', 8),
      strings: repeated('bytes', 9),
      tensors: repeated('TensorProto', 10),
      graphs: repeated('GraphProto', 11),
      sparseTensors: repeated('SparseTensorProto', 23),
      typeProtos: repeated('TypeProto', 15),
    },
    nested: { AttributeType: { values: { ...AttributeType } } },
  },
  ValueInfoProto: {
    fields: {
      name: field('string', 1),
      type: field('TypeProto', 2),
      docString: field('string', 3),
      metadataProps: repeated('StringStringEntryProto', 4),
    },
  },
  NodeProto: {
    fields: {
      input: repeated('string', 1),
      output: repeated('string', 2),
      name: field('string', 3),
      opType: field('string', 4),
      domain: field('string', 7),
      overload: field('string', 8),
      attribute: repeated('AttributeProto', 5),
      docString: field('string', 6),
      metadataProps: repeated('StringStringEntryProto', 9),
      deviceConfigurations: repeated('NodeDeviceConfigurationProto', 10),
    },
  },
  IntIntListEntryProto: { fields: { key: field('int64', 1), value: repeated('int64', 2) } },
  NodeDeviceConfigurationProto: {
    fields: {
      configurationId: field('string', 1),
      shardingSpec: repeated('ShardingSpecProto', 2),
      pipelineStage: field('int32', 3),
    },
  },
  ShardingSpecProto: {
    fields: {
      tensorName: field('string', 1),
      device: repeated('int64', 2),
      indexToDeviceGroupMap: repeated('IntIntListEntryProto', 3),
      shardedDim: repeated('ShardedDimProto', 4),
    },
  },
  ShardedDimProto: { fields: { axis: field('int64', 1), simpleSharding: repeated('SimpleShardedDimProto', 2) } },
  SimpleShardedDimProto: {
    oneofs: { dim: { oneof: ['dimValue', 'dimParam'] } },
    fields: { dimValue: field('int64', 1), dimParam: field('string', 2), numShards: field('int64', 3) },
  },
  TrainingInfoProto: {
    fields: {
      initialization: field('GraphProto', 1),
      algorithm: field('GraphProto', 2),
      initializationBinding: repeated('StringStringEntryProto', 3),
      updateBinding: repeated('StringStringEntryProto', 4),
    },
  },
  ModelProto: {
    fields: {
      irVersion: field('int64', 1),
      opsetImport: repeated('OperatorSetIdProto', 8),
      producerName: field('string', 2),
      producerVersion: field('string', 3),
      domain: field('string', 4),
      modelVersion: field('int64', 5),
      docString: field('string', 6),
      graph: field('GraphProto', 7),
      metadataProps: repeated('StringStringEntryProto', 14),
      trainingInfo: repeated('TrainingInfoProto', 20),
      functions: repeated('FunctionProto', 25),
      configuration: repeated('DeviceConfigurationProto', 26),
    },
  },
  DeviceConfigurationProto: {
    fields: { name: field('string', 1), numDevices: field('int32', 2), device: repeated('string', 3) },
  },
  StringStringEntryProto: { fields: { key: field('string', 1), value: field('string', 2) } },
  TensorAnnotation: {
    fields: {
      tensorName: field('string', 1),
      quantParameterTensorNames: repeated('StringStringEntryProto', 2),
    },
  },
  GraphProto: {
    fields: {
      node: repeated('NodeProto', 1),
      name: field('string', 2),
      initializer: repeated('TensorProto', 5),
      sparseInitializer: repeated('SparseTensorProto', 15),
      docString: field('string', 10),
      input: repeated('ValueInfoProto', 11),
      output: repeated('ValueInfoProto', 12),
      valueInfo: repeated('ValueInfoProto', 13),
      quantizationAnnotation: repeated('TensorAnnotation', 14),
      metadataProps: repeated('StringStringEntryProto', 16),
    },
  },
  TensorProto: {
    fields: {
      dims: repeated('int64', 1),
      dataType: field('int32', 2),
      segment: field('Segment', 3),
      floatData: packed('float', 4),
      int32Data: packed('int32', 5),
      stringData: repeated('bytes', 6),
      int64Data: packed('int64', 7),
      name: field('string', 8),
      docString: field('string', 12),
      rawData: field('bytes', 9),
      externalData: repeated('StringStringEntryProto', 13),
      dataLocation: field('DataLocation', 14),
      doubleData: packed('double', 10),
      uint64Data: packed('uint64', 11),
      metadataProps: repeated('StringStringEntryProto', 16),
    },
    nested: {
      DataType: { values: dataTypeValues() },
      Segment: { fields: { begin: field('int64', 1), end: field('int64', 2) } },
      DataLocation: { values: { ...DataLocation } },
    },
  },
  SparseTensorProto: {
    fields: { values: field('TensorProto', 1), indices: field('TensorProto', 2), dims: repeated('int64', 3) },
  },
  TensorShapeProto: {
    fields: { dim: repeated('Dimension', 1) },
    nested: {
      Dimension: {
        oneofs: { value: { oneof: ['dimValue', 'dimParam'] } },
        fields: { dimValue: field('int64', 1), dimParam: field('string', 2), denotation: field('string', 3) },
      },
    },
  },
  TypeProto: {
    oneofs: {
      value: { oneof: ['tensorType', 'sequenceType', 'mapType', 'optionalType', 'sparseTensorType', 'opaqueType'] },
    },
    fields: {
      tensorType: field('Tensor', 1),
      sequenceType: field('Sequence', 4),
      mapType: field('Map', 5),
      optionalType: field('Optional', 9),
      sparseTensorType: field('SparseTensor', 8),
      opaqueType: field('Opaque', 7),
      denotation: field('string', 6),
    },
    nested: {
      Tensor: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } },
      Sequence: { fields: { elemType: field('TypeProto', 1) } },
      Map: { fields: { keyType: field('int32', 1), valueType: field('TypeProto', 2) } },
      Optional: { fields: { elemType: field('TypeProto', 1) } },
      SparseTensor: { fields: { elemType: field('int32', 1), shape: field('TensorShapeProto', 2) } },
      Opaque: { fields: { domain: field('string', 1), name: field('string', 2) } },
    },
  },
  OperatorSetIdProto: { fields: { domain: field('string', 1), version: field('int64', 2) } },
  OperatorStatus: { values: { EXPERIMENTAL: 0, STABLE: 1 } },
  FunctionProto: {
    fields: {
      name: field('string', 1),
      input: repeated('string', 4),
      output: repeated('string', 5),
      attribute: repeated('string', 6),
      attributeProto: repeated('AttributeProto', 11),
      node: repeated('NodeProto', 7),
      docString: field('string', 8),
      opsetImport: repeated('OperatorSetIdProto', 9),
      domain: field('string', 10),
      overload: field('string', 13),
      valueInfo: repeated('ValueInfoProto', 12),
      metadataProps: repeated('StringStringEntryProto', 14),
    },
  },
};

// protobufjs treats JSON-described types as proto3 unless told otherwise; onnx.proto is proto2 (field presence,
// unpacked repeated scalars), which is what makes our bytes match other ONNX writers.
const descriptor: protobuf.INamespace = {
  nested: {
    onnx: {
      nested: Object.fromEntries(
        Object.entries(onnxTypes).map(([name, type]) => [name, { ...type, edition: 'proto2' }]),
      ),
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
root.resolveAll();

function lookup(name: string): protobuf.Type {
  return root.lookupType(`onnx.${name}`);
}

/** The resolved message types sppkit reads and writes. */
export const schema = {
  ModelProto: lookup('ModelProto'),
  GraphProto: lookup('GraphProto'),
  NodeProto: lookup('NodeProto'),
  AttributeProto: lookup('AttributeProto'),
  ValueInfoProto: lookup('ValueInfoProto'),
  TensorProto: lookup('TensorProto'),
  TypeProto: lookup('TypeProto'),
} as const;
