/**
 * Measurement prototype (not product code): a dynamic adaptive SPP that branches on divisibility with ONNX `If`,
 * timed against the static form, the current dynamic model and PyTorch's static export on onnxruntime CPU.
 *
 *   cond = H mod m = 0 and W mod m = 0            (m = the finest level; 6 int64 nodes on Shape)
 *   then = blocks: Reshape [N, C, m, H/m, W] → ReduceMax over H/m → Reshape [N, C·m·m, W/m] → ReduceMax → coarser
 *          levels by MaxPool/AveragePool on the m×m result (exact: every bin is a whole block)
 *   else = the current dynamic lowering (sppAdaptive with symbolic H, W)
 *
 * sppkit has no `If` (no subgraph support in the op registry, reference evaluator, checker or passes), so the If node
 * is spliced into the encoded model at the protobuf level; ORT alone runs it. Levels must share one finest level.
 *
 *   npx tsx bench/spp-if-prototype.ts [--threads N]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sppAdaptive } from '../src/blocks/spp-adaptive.js';
import { prng } from '../src/blocks/weights.js';
import { encodeGraph } from '../src/export/graph-encode.js';
import { loadModel } from '../src/export/io-node.js';
import { encodeModel } from '../src/export/model.js';
import type { GraphMsg, ModelMsg, NodeMsg } from '../src/export/proto-types.js';
import { schema } from '../src/export/schema.js';
import { GraphBuilder } from '../src/graph/builder.js';
import { DataType } from '../src/ir/dtype.js';
import { irVersionForOpset } from '../src/ir/versions.js';
import type { Value } from '../src/ir/value.js';

const CHANNELS = 256;
const OPSET = 17;
const SIZES = [13, 16, 24, 40];
const ROUNDS = 1500;
const EXPORTS = resolve(import.meta.dirname, '..', '..', 'shared', 'golden', 'torch-export');
/** AttributeProto.AttributeType.GRAPH. */
const GRAPH_ATTRIBUTE = 5;
type Pool = 'max' | 'avg';
type Emit = (b: GraphBuilder, x: Value) => Value;

/** The `then` branch: exact only when m divides H and W. */
function blocks(levels: readonly number[], pool: Pool): Emit {
  return (b, x) => {
    const m = Math.max(...levels);
    const reduce = (t: Value, axis: number): Value =>
      pool === 'max' ? b.reduceMax(t, { axes: [axis], keepdims: 0 }) : b.reduceMean(t, { axes: [axis], keepdims: 0 });
    const rows = reduce(b.reshape(b.unsqueeze(x, [2]), [0, 0, m, -1, 0]), 3);
    const grids = new Map([[m, b.reshape(reduce(b.reshape(rows, [0, CHANNELS * m * m, -1]), 2), [0, CHANNELS, m, m])]]);
    for (const n of [...levels].sort((p, q) => q - p).filter((n) => n !== m)) {
      const fine = grids.get(m);
      if (fine === undefined || m % n !== 0) throw new Error(`level ${n} does not divide ${m}`);
      const k = { kernelShape: [m / n, m / n], strides: [m / n, m / n] };
      grids.set(n, pool === 'max' ? b.maxPool(fine, k) : b.averagePool(fine, k));
    }
    return b.concat(
      levels.map((n) => b.flatten(grids.get(n) ?? x, { axis: 1 })),
      { axis: 1 },
    );
  };
}

/** A branch subgraph: built on an input `x` that then becomes an outer-scope reference; its names get a prefix. */
function branch(emit: Emit, prefix: string): GraphMsg {
  const b = new GraphBuilder({ opset: OPSET });
  const x = b.input('x', DataType.FLOAT, [1, CHANNELS, 'H', 'W']);
  b.output(emit(b, x), 'y');
  const graph = encodeGraph(b.build().graph);
  const rename = (name: string): string => (name === 'x' || name === '' ? name : `${prefix}/${name}`);
  for (const node of graph.node ?? []) {
    node.input = (node.input ?? []).map(rename);
    node.output = (node.output ?? []).map(rename);
    node.name = rename(node.name ?? '');
  }
  for (const item of [...(graph.output ?? []), ...(graph.valueInfo ?? []), ...(graph.initializer ?? [])])
    item.name = rename(item.name ?? '');
  return { ...graph, name: prefix, input: [] };
}

function ifModel(levels: readonly number[], pool: Pool): Uint8Array {
  const m = Math.max(...levels);
  const b = new GraphBuilder({ opset: OPSET });
  const x = b.input('x', DataType.FLOAT, [1, CHANNELS, 'H', 'W']);
  const hw = b.shapeRange(x, 2, 4);
  const count = b.int64s('m', [m]);
  const left = b.sub(hw, b.mul(b.div(hw, count), count)); // [H mod m, W mod m], both >= 0
  const parts = b.split(left, [1, 1]);
  const [h, w] = [parts[0], parts[1]];
  if (h === undefined || w === undefined) throw new Error('split gave too few parts');
  b.output(b.equal(b.add(h, w), b.int64s('zero', [0])), 'cond');
  const graph = encodeGraph(b.build().graph);
  const features = CHANNELS * levels.reduce((s, n) => s + n * n, 0);
  const node: NodeMsg = {
    input: ['cond'],
    output: ['y'],
    name: 'divisible',
    opType: 'If',
    attribute: [
      { name: 'then_branch', type: GRAPH_ATTRIBUTE, g: branch(blocks(levels, pool), 'then') },
      {
        name: 'else_branch',
        type: GRAPH_ATTRIBUTE,
        g: branch((bb, xx) => sppAdaptive(bb, xx, { levels, pool }), 'else'),
      },
    ],
  };
  const shape = { dim: [{ dimValue: 1 }, { dimValue: features }] };
  const model: ModelMsg = {
    irVersion: irVersionForOpset(OPSET),
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      ...graph,
      node: [...(graph.node ?? []), node],
      output: [{ name: 'y', type: { tensorType: { elemType: DataType.FLOAT, shape } } }],
    },
  };
  return schema.ModelProto.encode(model).finish();
}

function sppBytes(levels: readonly number[], pool: Pool, height: number | string, width: number | string): Uint8Array {
  const b = new GraphBuilder({ opset: OPSET });
  const x = b.input('x', DataType.FLOAT, [1, CHANNELS, height, width]);
  b.output(sppAdaptive(b, x, { levels, pool }), 'y');
  return encodeModel(b.build());
}

async function main(): Promise<void> {
  const index = process.argv.indexOf('--threads');
  const options = { intraOpNumThreads: index > 0 ? Number(process.argv[index + 1]) : 1 };
  const open = (bytes: Uint8Array): Promise<ort.InferenceSession> => ort.InferenceSession.create(bytes, options);
  console.log('median µs (ratio to static), onnxruntime-node CPU; If = prototype, dynamic = current lowering');
  for (const pool of ['max', 'avg'] as const) {
    for (const levels of [
      [4, 2, 1],
      [6, 3, 2, 1],
    ]) {
      const withIf = await open(ifModel(levels, pool));
      const dynamic = await open(sppBytes(levels, pool, 'H', 'W'));
      for (const size of SIZES) {
        const variants: [string, ort.InferenceSession][] = [
          ['static', await open(sppBytes(levels, pool, size, size))],
          ['dynamic', dynamic],
          ['If', withIf],
        ];
        const exported = join(
          EXPORTS,
          `torch2_adaptive_spp_${pool}_torchscript_opset17_static_256c_${size}x${size}.onnx`,
        );
        if (levels.length === 3 && existsSync(exported))
          variants.push(['PyTorch', await open(encodeModel(loadModel(exported)))]);
        const random = prng(size);
        const data = Float32Array.from({ length: CHANNELS * size * size }, () => random() * 2 - 1);
        const feeds = { x: new ort.Tensor('float32', data, [1, CHANNELS, size, size]) };
        const outputs = await Promise.all(variants.map(async ([, s]) => (await s.run(feeds))['y']?.data));
        const want = outputs[0];
        outputs.forEach((got, i) => {
          const close = (v: unknown, j: number): boolean =>
            typeof v === 'number' && Math.abs(v - Number(want?.[j])) <= (pool === 'max' ? 0 : 1e-5);
          if (!(got instanceof Float32Array) || !Array.from(got).every(close))
            console.warn(`WARNING: ${variants[i]?.[0]} differs from static`);
        });
        const times = variants.map((): number[] => []);
        for (let round = 0; round < ROUNDS; round += 1) {
          for (const [i, [, session]] of variants.entries()) {
            const start = performance.now();
            await session.run(feeds);
            times[i]?.push(performance.now() - start);
          }
        }
        const medians = times.map((t) => t.sort((a, c) => a - c)[t.length >> 1] ?? NaN);
        const cells = variants.map(([name], i) => {
          const us = (medians[i] ?? NaN) * 1000;
          return `${name} ${us.toFixed(0)} (${((medians[i] ?? NaN) / (medians[0] ?? NaN)).toFixed(2)}×)`;
        });
        console.log(`${pool} ${levels.join(',')} ${size}×${size}: ${cells.join(' | ')}`);
      }
    }
  }
}

await main();
