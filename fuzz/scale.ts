/**
 * `npx tsx fuzz/scale.ts [--nodes N] [--kind relu|maxpool|sym-maxpool] [--evaluate]`: times each stage a large
 * model goes through — build (IR), encode, decode, check, infer-shapes, the default passes, encode again, and
 * optionally the reference evaluation — for a chain of N nodes. Prints one line per stage with milliseconds and
 * the rate per node, so that a stage that is not near-linear shows (run it at two sizes and compare).
 */
import { parseArgs } from 'node:util';
import {
  Attr,
  checkModel,
  DataType,
  decodeModel,
  encodeModel,
  evaluate,
  Graph,
  inferGraphShapes,
  Model,
  parsePassList,
  runPasses,
  SymDim,
  Tensor,
  type Attribute,
  type Dim,
} from '../src/node.js';

/** The chain kinds. */
const KINDS = ['relu', 'maxpool', 'sym-maxpool'] as const;
type Kind = (typeof KINDS)[number];

/** A chain of `length` nodes on a [1, 1, H, W] input (static 8×8, or symbolic H×W for `sym-maxpool`). */
export function chainModel(kind: Kind, length: number): Model {
  const graph = new Graph('chain');
  const spatial: Dim[] = kind === 'sym-maxpool' ? [SymDim.named('H'), SymDim.named('W')] : [8, 8];
  let previous = graph.addInput('x', { dtype: DataType.FLOAT, shape: [1, 1, ...spatial] });
  for (let i = 0; i < length; i += 1) {
    const pool = kind !== 'relu';
    const node = graph.addNode({
      opType: pool ? 'MaxPool' : 'Relu',
      name: `n${i}`,
      inputs: [previous],
      outputs: [`v${i}`],
      attributes: new Map<string, Attribute>(
        pool
          ? [
              ['kernel_shape', Attr.ints([3, 3])],
              ['pads', Attr.ints([1, 1, 1, 1])],
            ]
          : [],
      ),
    });
    const output = node.outputs[0];
    if (output === undefined) throw new Error('chain: node without output');
    previous = output;
  }
  previous.type = { dtype: DataType.FLOAT, shape: [1, 1, ...spatial] };
  graph.addOutput(previous);
  const model = new Model(graph, 17);
  model.irVersion = 8;
  return model;
}

/** Runs `run`, printing its wall and CPU time (the CPU time is what counts on a shared, loaded machine). */
function time<T>(label: string, nodes: number, run: () => T): T {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const perNode = (cpuMs * 1000) / Math.max(1, nodes);
  console.log(
    `${label.padEnd(22)} ${ms.toFixed(0).padStart(8)} ms wall ${cpuMs.toFixed(0).padStart(8)} ms cpu ` +
      `${perNode.toFixed(2).padStart(8)} µs/node (cpu)`,
  );
  return result;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '200000' },
      kind: { type: 'string', default: 'relu' },
      evaluate: { type: 'boolean', default: false },
    },
  });
  const nodes = Number(values.nodes);
  const kind = KINDS.find((k) => k === values.kind);
  if (!Number.isSafeInteger(nodes) || nodes < 1 || kind === undefined)
    throw new Error(`scale: --nodes must be a positive integer and --kind one of ${KINDS.join(', ')}`);
  console.log(`${kind} chain of ${nodes} nodes`);
  const built = time('build (IR)', nodes, () => chainModel(kind, nodes));
  const bytes = time('encode', nodes, () => encodeModel(built));
  console.log(`${'file size'.padEnd(22)} ${String(bytes.length).padStart(8)} bytes`);
  const model = time('decode', nodes, () => decodeModel(bytes, 'chain.onnx'));
  const problems = time('check', nodes, () => checkModel(model));
  if (problems.length > 0) console.log(`  check: ${problems.length} problem(s), first: ${problems[0] ?? ''}`);
  time('infer-shapes', nodes, () => inferGraphShapes(model.graph, model.opset));
  const { model: transformed } = time('passes (default)', nodes, () => runPasses(model, parsePassList('default')));
  console.log(`  after passes: ${transformed.graph.nodes.length} nodes`);
  time('encode (transformed)', nodes, () => encodeModel(transformed));
  if (values.evaluate === true) {
    const dims = kind === 'sym-maxpool' ? [1, 1, 8, 8] : [1, 1, 8, 8];
    const x = Tensor.float32(
      dims,
      new Float32Array(64).map((_, i) => i - 32),
    );
    time('evaluate', nodes, () => evaluate(decodeModel(bytes, 'chain.onnx'), new Map([['x', x]])));
  }
}

if (process.argv[1] !== undefined && /fuzz[\/\\]scale\.ts$/.test(process.argv[1])) main();
