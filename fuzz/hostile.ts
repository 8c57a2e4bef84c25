/**
 * sppkit's own catalogue of hostile models, built in memory with the IR (not the builder, which would refuse most of
 * them): each asks for something a stranger's file can ask for — a huge output from a tiny file, a rank or length
 * bomb, an infinite loop, a contradiction, an extreme opset — and each must end in a typed SppkitError (or a correct
 * result), fast and in bounded memory. `npm run fuzz -- --write-hostile DIR` writes them as .onnx files.
 */
import { Attr, DataType, encodeModel, Graph, Model, SymDim, Tensor, type Attribute, type Dim } from '../src/node.js';

/** One catalogue entry. */
export interface HostileModel {
  readonly name: string;
  readonly what: string;
  readonly bytes: Uint8Array;
}

interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly (string | null)[];
  readonly outputs?: readonly string[];
  readonly attrs?: Readonly<Record<string, Attribute>>;
}

interface ModelSpec {
  readonly opset?: number;
  readonly inputs?: readonly { name: string; dtype?: DataType; shape: readonly Dim[] }[];
  readonly inits?: Readonly<Record<string, Tensor>>;
  readonly nodes: readonly NodeSpec[];
  readonly outputs: readonly { name: string; dtype?: DataType; shape?: readonly Dim[] | null }[];
}

function build(spec: ModelSpec): Uint8Array {
  const graph = new Graph('hostile');
  for (const input of spec.inputs ?? [])
    graph.addInput(input.name, { dtype: input.dtype ?? DataType.FLOAT, shape: input.shape });
  for (const [name, tensor] of Object.entries(spec.inits ?? {})) graph.addInitializer(name, tensor);
  spec.nodes.forEach((node, index) => {
    const inputs = node.inputs.map((name) => {
      if (name === null) return null;
      const value = graph.lookup(name);
      if (value === undefined) throw new Error(`hostile catalogue: unknown value '${name}'`);
      return value;
    });
    graph.addNode({
      opType: node.op,
      name: `${node.op}_${index}`,
      inputs,
      outputs: node.outputs ?? [`${node.op}_${index}_out`],
      attributes: new Map(Object.entries(node.attrs ?? {})),
    });
  });
  for (const output of spec.outputs) {
    const value = graph.lookup(output.name);
    if (value === undefined) throw new Error(`hostile catalogue: unknown output '${output.name}'`);
    if (output.shape !== undefined) value.type = { dtype: output.dtype ?? DataType.FLOAT, shape: output.shape };
    graph.addOutput(value);
  }
  const model = new Model(graph, spec.opset ?? 17);
  model.irVersion = 8;
  return encodeModel(model);
}

const i64 = (values: readonly number[]): Tensor => Tensor.int64([values.length], values);
const scalar64 = (value: number): Tensor => Tensor.int64([], [value]);
const f32 = (values: readonly number[]): Tensor => Tensor.float32([values.length], values);
const x4 = (h: number | string = 4, w: number | string = 4): { name: string; shape: Dim[] } => ({
  name: 'x',
  shape: [1, 1, typeof h === 'number' ? h : SymDim.named(h), typeof w === 'number' ? w : SymDim.named(w)],
});
const pool = (op: string, attrs: Record<string, Attribute>): ModelSpec => ({
  inputs: [x4()],
  nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs }],
  outputs: [{ name: 'y' }],
});

function chain(op: string, length: number): ModelSpec {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < length; i += 1) nodes.push({ op, inputs: [i === 0 ? 'x' : `v${i - 1}`], outputs: [`v${i}`] });
  return { inputs: [x4()], nodes, outputs: [{ name: `v${length - 1}` }] };
}

function doubling(steps: number): ModelSpec {
  const nodes: NodeSpec[] = [];
  for (let i = 0; i < steps; i += 1) {
    const from = i === 0 ? 'x' : `c${i - 1}`;
    nodes.push({ op: 'Concat', inputs: [from, from], outputs: [`c${i}`], attrs: { axis: Attr.int(0) } });
  }
  return { inputs: [{ name: 'x', shape: [2] }], nodes, outputs: [{ name: `c${steps - 1}` }] };
}

const SPECS: readonly (readonly [string, string, () => ModelSpec])[] = [
  [
    'expand-1e12',
    'Expand of a 1-element tensor to [1e6, 1e6]',
    () => ({
      inputs: [{ name: 'x', shape: [1] }],
      inits: { shape: i64([1e6, 1e6]) },
      nodes: [{ op: 'Expand', inputs: ['x', 'shape'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'range-1e12',
    'Range 0..1e12 step 1',
    () => ({
      inits: { start: scalar64(0), limit: scalar64(1e12), delta: scalar64(1) },
      nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }],
      outputs: [{ name: 'y', dtype: DataType.INT64 }],
    }),
  ],
  [
    'range-delta-zero',
    'Range with delta 0 (an endless loop if not refused)',
    () => ({
      inits: { start: scalar64(0), limit: scalar64(10), delta: scalar64(0) },
      nodes: [{ op: 'Range', inputs: ['start', 'limit', 'delta'], outputs: ['y'] }],
      outputs: [{ name: 'y', dtype: DataType.INT64 }],
    }),
  ],
  [
    'constant-of-shape-1e12',
    'ConstantOfShape [1e6, 1e6]',
    () => ({
      inits: { shape: i64([1e6, 1e6]) },
      nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'tile-1e9',
    'Tile of 4 elements 1e9 times',
    () => ({
      inputs: [{ name: 'x', shape: [4] }],
      inits: { repeats: i64([1e9]) },
      nodes: [{ op: 'Tile', inputs: ['x', 'repeats'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'resize-scales-1e6',
    'Resize with scales 1e6',
    () => ({
      inputs: [x4()],
      inits: { roi: f32([]), scales: f32([1, 1, 1e6, 1e6]) },
      nodes: [{ op: 'Resize', inputs: ['x', 'roi', 'scales'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'pad-1e6',
    'Pad by 1e6 on every side',
    () => ({
      inputs: [x4()],
      inits: { pads: i64([0, 0, 1e6, 1e6, 0, 0, 1e6, 1e6]) },
      nodes: [{ op: 'Pad', inputs: ['x', 'pads'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'reshape-2-62',
    'Reshape with allowzero to [2^62, 0]',
    () => ({
      inputs: [{ name: 'x', shape: [0] }],
      inits: { shape: i64([2 ** 62, 0]) },
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'], attrs: { allowzero: Attr.int(1) } }],
      outputs: [{ name: 'y' }],
    }),
  ],
  ['concat-doubling-80', '80 Concats that each double the tensor', () => doubling(80)],
  [
    'maxpool-pads-ge-kernel',
    'MaxPool with pads 3 >= kernel 2 (onnxruntime refuses)',
    () => pool('MaxPool', { kernel_shape: Attr.ints([2, 2]), pads: Attr.ints([3, 3, 3, 3]) }),
  ],
  [
    'maxpool-kernel-2-31',
    'MaxPool with a 2^31 kernel',
    () => pool('MaxPool', { kernel_shape: Attr.ints([2 ** 31, 1]) }),
  ],
  [
    'avgpool-same-kernel-1e12',
    'AveragePool SAME_UPPER with a 1e12 kernel',
    () => pool('AveragePool', { kernel_shape: Attr.ints([1e12, 1e12]), auto_pad: Attr.string('SAME_UPPER') }),
  ],
  [
    'lppool-same-kernel-2-31',
    'LpPool SAME_LOWER with a 2^31 kernel',
    () => pool('LpPool', { kernel_shape: Attr.ints([2 ** 31, 1]), auto_pad: Attr.string('SAME_LOWER') }),
  ],
  [
    'maxpool-stride-0',
    'MaxPool with stride 0',
    () => pool('MaxPool', { kernel_shape: Attr.ints([2, 2]), strides: Attr.ints([0, 0]) }),
  ],
  [
    'maxpool-dilation-1e9',
    'MaxPool with dilation 1e9',
    () => pool('MaxPool', { kernel_shape: Attr.ints([2, 2]), dilations: Attr.ints([1e9, 1e9]) }),
  ],
  [
    'maxpool-negative-pads',
    'MaxPool with negative pads',
    () => pool('MaxPool', { kernel_shape: Attr.ints([2, 2]), pads: Attr.ints([-5, -5, -5, -5]) }),
  ],
  [
    'conv-group-0',
    'Conv with group 0',
    () => ({
      inputs: [x4()],
      inits: { w: Tensor.float32([1, 1, 1, 1], [1]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { group: Attr.int(0) } }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'conv-pads-1e6',
    'Conv with pads 1e6',
    () => ({
      inputs: [x4()],
      inits: { w: Tensor.float32([1, 1, 1, 1], [1]) },
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attrs: { pads: Attr.ints([1e6, 1e6, 1e6, 1e6]) } }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'gather-index-1e9',
    'Gather at index 1e9 of a 4-element axis',
    () => ({
      inputs: [{ name: 'x', shape: [4] }],
      inits: { idx: i64([1e9]) },
      nodes: [{ op: 'Gather', inputs: ['x', 'idx'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'slice-step-0',
    'Slice with step 0',
    () => ({
      inputs: [{ name: 'x', shape: [4] }],
      inits: { s: i64([0]), e: i64([4]), a: i64([0]), st: i64([0]) },
      nodes: [{ op: 'Slice', inputs: ['x', 's', 'e', 'a', 'st'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'split-negative',
    'Split with a negative size',
    () => ({
      inputs: [{ name: 'x', shape: [4] }],
      inits: { sizes: i64([6, -2]) },
      nodes: [{ op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b'] }],
      outputs: [{ name: 'a' }, { name: 'b' }],
    }),
  ],
  [
    'transpose-bad-perm',
    'Transpose with a repeated, out-of-range perm',
    () => ({
      inputs: [x4()],
      nodes: [{ op: 'Transpose', inputs: ['x'], outputs: ['y'], attrs: { perm: Attr.ints([0, 0, 9, 1e9]) } }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'unsqueeze-rank-bomb',
    'Unsqueeze 100,000 axes',
    () => ({
      inputs: [{ name: 'x', shape: [1] }],
      inits: { axes: i64(Array.from({ length: 100_000 }, (_, i) => i + 1)) },
      nodes: [{ op: 'Unsqueeze', inputs: ['x', 'axes'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'reshape-shape-input-rank-1e6',
    'Reshape to a declared shape input of length 1e6 (symbolic values)',
    () => ({
      inputs: [
        { name: 'x', shape: [1] },
        { name: 's', dtype: DataType.INT64, shape: [1e6] },
      ],
      nodes: [{ op: 'Reshape', inputs: ['x', 's'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'softmax-axis-1e9',
    'Softmax on axis 1e9',
    () => ({
      inputs: [x4()],
      nodes: [{ op: 'Softmax', inputs: ['x'], outputs: ['y'], attrs: { axis: Attr.int(1e9) } }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'declared-contradiction',
    'an output declared [1, 1, H, W] that the graph makes [1, 1, H+7, W+7]',
    () => ({
      inputs: [x4('H', 'W')],
      inits: { pads: i64([0, 0, 4, 4, 0, 0, 3, 3]) },
      nodes: [{ op: 'Pad', inputs: ['x', 'pads'], outputs: ['y'] }],
      outputs: [{ name: 'y', shape: [1, 1, SymDim.named('H'), SymDim.named('W')] }],
    }),
  ],
  [
    'declared-overflow',
    'an input declared [2^62, 2^62] (the element count overflows)',
    () => ({
      inputs: [{ name: 'x', shape: [2 ** 62, 2 ** 62] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'opset-999',
    'a model at opset 999',
    () => ({
      opset: 999,
      inputs: [x4()],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
  [
    'unknown-ops',
    'ops of another domain and unknown ops between known ones',
    () => ({
      inputs: [x4()],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'FancyOp', inputs: ['a'], outputs: ['b'] },
        { op: 'Relu', inputs: ['b'], outputs: ['y'] },
      ],
      outputs: [{ name: 'y' }],
    }),
  ],
  ['relu-chain-200k', 'a 200,000-node chain (passes and recursion must scale)', () => chain('Relu', 200_000)],
  [
    'maxpool-chain-5000',
    'a 5,000-node chain of 3x3 MaxPools (rewrites must not restart)',
    () => ({
      inputs: [x4('H', 'W')],
      nodes: Array.from({ length: 5000 }, (_, i) => ({
        op: 'MaxPool',
        inputs: [i === 0 ? 'x' : `p${i - 1}`],
        outputs: [`p${i}`],
        attrs: { kernel_shape: Attr.ints([3, 3]), pads: Attr.ints([1, 1, 1, 1]) },
      })),
      outputs: [{ name: 'p4999' }],
    }),
  ],
  [
    'topk-1e12',
    'TopK with k = 1e12',
    () => ({
      inputs: [{ name: 'x', shape: [4] }],
      inits: { k: i64([1e12]) },
      nodes: [{ op: 'TopK', inputs: ['x', 'k'], outputs: ['v', 'i'] }],
      outputs: [{ name: 'v' }, { name: 'i', dtype: DataType.INT64 }],
    }),
  ],
  [
    'matmul-mismatch',
    'MatMul of [2, 3] by [4, 5]',
    () => ({
      inputs: [
        { name: 'a', shape: [2, 3] },
        { name: 'b', shape: [4, 5] },
      ],
      nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
      outputs: [{ name: 'y' }],
    }),
  ],
];

/** The catalogue (built on each call; deterministic bytes). */
export function hostileModels(): HostileModel[] {
  return SPECS.map(([name, what, spec]) => ({ name: `hostile-${name}`, what, bytes: build(spec()) }));
}
