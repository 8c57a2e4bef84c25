/**
 * Graph pictures: one box per node, typed edges (inferred when the file leaves values untyped, without failing on
 * unknown ops and without changing the model), folded initializers and Constants, collapsed subgraphs, escaping of
 * hostile names, and a real YOLO model.
 */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/export/io-node.js';
import { Attr } from '../../src/ir/attribute.js';
import { SymDim } from '../../src/ir/dim.js';
import { DataType } from '../../src/ir/dtype.js';
import { Graph, Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';
import { renderGraphSvg } from '../../src/viz/graph-svg.js';
import { haveSharedGolden, SHARED_GOLDEN } from '../shared.js';
import { byClass, numberAttr, parseXml, textOf, texts, type XmlElement } from './xml.js';

const N = SymDim.named('N');
const H = SymDim.named('H');
const W = SymDim.named('W');

/**
 * x[N, 256, H, W] → Conv 1×1 (256 → 128, weights as initializers) → MaxPool 5 s1 p2 → Relu → out1, and the
 * pool also → com.example Mystery → Relu → out2. No intermediate value is typed, except Mystery's output when
 * `declareMystery` (as a file may declare it in value_info).
 */
function smallModel(declareMystery: boolean): { model: Model; intermediates: Value[] } {
  const graph = new Graph('small');
  const x = graph.addInput('x', { dtype: DataType.FLOAT, shape: [N, 256, H, W] });
  const w = graph.addInitializer('conv1.weight', Tensor.float32([128, 256, 1, 1], new Float32Array(128 * 256)));
  const b = graph.addInitializer('conv1.bias', Tensor.float32([128], new Float32Array(128)));
  const conv = graph.addNode({
    opType: 'Conv',
    name: 'conv1',
    inputs: [x, w, b],
    outputs: ['y1'],
    attributes: new Map([['kernel_shape', Attr.ints([1, 1])]]),
  });
  const pool = graph.addNode({
    opType: 'MaxPool',
    name: 'pool',
    inputs: [conv.outputs[0]!],
    outputs: ['y2'],
    attributes: new Map([
      ['kernel_shape', Attr.ints([5, 5])],
      ['strides', Attr.ints([1, 1])],
      ['pads', Attr.ints([2, 2, 2, 2])],
    ]),
  });
  const relu = graph.addNode({ opType: 'Relu', name: 'relu', inputs: [pool.outputs[0]!], outputs: ['out1'] });
  const mystery = graph.addNode({
    opType: 'Mystery',
    domain: 'com.example',
    name: 'mystery',
    inputs: [pool.outputs[0]!],
    outputs: ['y3'],
  });
  if (declareMystery) mystery.outputs[0]!.type = { dtype: DataType.FLOAT, shape: [N, 7] };
  const relu2 = graph.addNode({ opType: 'Relu', name: 'relu2', inputs: [mystery.outputs[0]!], outputs: ['out2'] });
  graph.addOutput(relu.outputs[0]!, relu2.outputs[0]!);
  const model = new Model(graph, 17);
  model.opsetImports.set('com.example', 1);
  return { model, intermediates: [conv, pool, relu, relu2].map((node) => node.outputs[0]!) };
}

/** The node box (a `<g class="node ...">`) whose header reads `opType` and whose name line is `name`. */
function box(root: XmlElement, name: string): XmlElement {
  const found = byClass(root, 'node').filter((g) => texts(g).includes(name));
  expect(found, `one box for '${name}'`).toHaveLength(1);
  return found[0]!;
}

/** Label text of every edge from box id `from` to box id `to`. */
function edgeLabels(root: XmlElement, from: string, to: string): string[] {
  const edges = byClass(root, 'edge').filter(
    (g) => g.attributes.get('data-from') === from && g.attributes.get('data-to') === to,
  );
  return edges.map((edge) => textOf(edge).replace(/^'[^']*': /, ''));
}

describe('renderGraphSvg', () => {
  it('draws one box per node, inputs and outputs as their own boxes, initializers inside their node', () => {
    const { model } = smallModel(false);
    const root = parseXml(renderGraphSvg(model));
    expect(root.name).toBe('svg');
    expect(byClass(root, 'op').map((g) => g.attributes.get('data-op'))).toEqual([
      'Conv',
      'MaxPool',
      'Relu',
      'com.example::Mystery',
      'Relu',
    ]);
    expect(byClass(root, 'input')).toHaveLength(1);
    expect(byClass(root, 'output')).toHaveLength(2);
    // No box for the initializers: they are lines of the Conv box, with Conv's input names.
    const conv = box(root, 'conv1');
    const convLines = ['Conv', 'conv1', 'k 1×1', 'W ⟨128×256×1×1⟩', 'B ⟨128⟩'];
    expect(texts(conv)).toEqual(expect.arrayContaining(convLines));
    expect(texts(box(root, 'pool'))).toContain('k 5×5  s 1×1  p 2');
    // Every use of a value is one edge: x→conv, conv→pool, pool→relu, pool→mystery, mystery→relu2, 2 outputs.
    expect(byClass(root, 'edge')).toHaveLength(7);
  });

  it('labels edges with inferred types, symbolic dims by name, and leaves the model as it was', () => {
    const { model, intermediates } = smallModel(false);
    const root = parseXml(renderGraphSvg(model));
    const id = (name: string): string => box(root, name).attributes.get('id') ?? '';
    // Conv 1×1 keeps H and W; the same-padded stride-1 pool keeps them too: [N, 128, H, W].
    expect(edgeLabels(root, 'in0', id('conv1'))).toEqual(['float32[N, 256, H, W]']);
    expect(edgeLabels(root, id('conv1'), id('pool'))).toEqual(['float32[N, 128, H, W]']);
    expect(edgeLabels(root, id('pool'), id('relu'))).toEqual(['float32[N, 128, H, W]']);
    expect(edgeLabels(root, id('pool'), id('mystery'))).toEqual(['float32[N, 128, H, W]']);
    // An op sppkit does not know leaves its output untyped, and does not stop the picture.
    expect(edgeLabels(root, id('mystery'), id('relu2'))).toEqual(['?']);
    expect(edgeLabels(root, id('relu'), 'out0')).toEqual(['float32[N, 128, H, W]']);
    // The edge labels are drawn as texts too (not only in hover titles).
    expect(byClass(root, 'edge-label').map((g) => textOf(g, true))).toContain('float32[N, 128, H, W]');
    expect(intermediates.map((value) => value.type)).toEqual([null, null, null, null]);
  });

  it('keeps inferring after an unknown op whose output the file declares', () => {
    const { model } = smallModel(true);
    const root = parseXml(renderGraphSvg(model));
    const id = (name: string): string => box(root, name).attributes.get('id') ?? '';
    expect(edgeLabels(root, id('mystery'), id('relu2'))).toEqual(['float32[N, 7]']);
    expect(edgeLabels(root, id('relu2'), 'out1')).toEqual(['float32[N, 7]']);
  });

  it('sizes every box to hold its text (monospace estimate of at least 0.602 em, DejaVu Sans Mono)', async () => {
    const { MONO_ADVANCE } = await import('../../src/viz/svg.js');
    expect(MONO_ADVANCE).toBeGreaterThanOrEqual(0.602);
    const { model } = smallModel(false);
    model.graph.nodes[1]!.name = 'a_rather_long_node_name_from_an_exporter/model.9/m/MaxPool_output_0';
    const root = parseXml(renderGraphSvg(model));
    for (const g of byClass(root, 'node')) {
      const rect = g.children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'rect');
      const width = numberAttr(rect!, 'width');
      for (const text of g.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === 'text')) {
        const chars = [...textOf(text)].length;
        expect(chars * numberAttr(text, 'font-size') * 0.602).toBeLessThanOrEqual(width);
      }
    }
    // The long name is shortened in the middle, with the full name in the hover title.
    expect(
      texts(root).some((t) => t.startsWith('a_rather_long') && t.includes('…') && t.endsWith('MaxPool_output_0')),
    ).toBe(true);
  });

  it('escapes hostile names and keeps the document well-formed', () => {
    const { model } = smallModel(false);
    model.graph.name = '<svg onload="alert(1)">';
    model.graph.nodes[0]!.name = '</text><script>alert("x")</script>';
    model.graph.nodes[2]!.name = `a & b 'c' "d" \u0001 \ud800`;
    model.graph.renameValue(model.graph.inputs[0]!, 'x<&>"\'');
    const svg = renderGraphSvg(model);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<svg onload');
    const root = parseXml(svg); // throws on any unescaped <, &, quote or forbidden character
    const all = texts(root);
    expect(all).toContain('</text><script>alert("x")</script>');
    expect(all).toContain(`a & b 'c' "d" \ufffd \ufffd`);
    expect(all).toContain('x<&>"\'');
    expect(all.some((t) => t.includes('<svg onload="alert(1)">'))).toBe(true);
  });

  it('folds Constant nodes into their consumers (or draws them when asked) and collapses subgraphs', () => {
    const graph = new Graph('folding');
    const x = graph.addInput('x', { dtype: DataType.FLOAT, shape: [1, 6] });
    const shape = graph.addNode({
      opType: 'Constant',
      name: 'shape_const',
      inputs: [],
      outputs: ['shape'],
      attributes: new Map([['value', Attr.tensor(Tensor.int64([2], [2, 3]))]]),
    });
    const reshape = graph.addNode({
      opType: 'Reshape',
      name: 'reshape',
      inputs: [x, shape.outputs[0]!],
      outputs: ['r'],
    });
    const cond = graph.addInput('cond', { dtype: DataType.BOOL, shape: [] });
    const thenGraph = new Graph('then', graph);
    thenGraph.addNode({ opType: 'Identity', inputs: [reshape.outputs[0]!], outputs: ['t'] });
    thenGraph.addNode({ opType: 'Relu', inputs: [thenGraph.nodes[0]!.outputs[0]!], outputs: ['t2'] });
    thenGraph.addOutput(thenGraph.nodes[1]!.outputs[0]!);
    const elseGraph = new Graph('else', graph);
    elseGraph.addNode({ opType: 'Identity', inputs: [reshape.outputs[0]!], outputs: ['e'] });
    elseGraph.addOutput(elseGraph.nodes[0]!.outputs[0]!);
    const branch = graph.addNode({
      opType: 'If',
      name: 'branch',
      inputs: [cond],
      outputs: ['y'],
      attributes: new Map([
        ['then_branch', { kind: 'graph', value: thenGraph }],
        ['else_branch', { kind: 'graph', value: elseGraph }],
      ]),
    });
    graph.addOutput(branch.outputs[0]!);
    const model = new Model(graph, 17);

    const folded = parseXml(renderGraphSvg(model));
    expect(byClass(folded, 'op').map((g) => g.attributes.get('data-op'))).toEqual(['Reshape', 'If']);
    expect(texts(box(folded, 'reshape'))).toContain('shape = [2, 3]');
    // x → Reshape, cond → If, If → output, and a dashed edge for the value the branches read from outside.
    expect(byClass(folded, 'edge')).toHaveLength(4);
    const captured = byClass(folded, 'captured');
    expect(captured.map((g) => [g.attributes.get('data-from'), g.attributes.get('data-to')])).toEqual([
      [box(folded, 'reshape').attributes.get('id'), box(folded, 'branch').attributes.get('id')],
    ]);
    const ifBox = texts(box(folded, 'branch')).join('\n');
    expect(ifBox).toContain("then_branch: subgraph 'then' (2 nodes)");
    expect(ifBox).toContain("else_branch: subgraph 'else' (1 node)");
    expect(texts(folded)).toContain(
      "graph 'folding': 3 nodes; 0 initializers and 1 Constant nodes are drawn inside the nodes that use them",
    );

    const unfolded = parseXml(renderGraphSvg(model, { foldConstants: false }));
    expect(byClass(unfolded, 'op').map((g) => g.attributes.get('data-op'))).toEqual(['Constant', 'Reshape', 'If']);
  });

  it('draws an empty graph as a small valid picture', () => {
    const root = parseXml(renderGraphSvg(new Model(new Graph('empty'), 17)));
    expect(numberAttr(root, 'height')).toBeGreaterThan(0);
    expect(byClass(root, 'node')).toEqual([]);
  });

  it.skipIf(!haveSharedGolden('yolov5n graph picture'))('renders YOLOv5n and YOLOv5n-seg', () => {
    for (const [name, boxes] of [
      ['yolov5n_dyn18_320x256', 236],
      ['yolov5nseg_ts17_256', 358 - 58],
    ] as const) {
      const model = loadModel(`${SHARED_GOLDEN}/real/${name}/model.onnx`);
      const start = performance.now();
      const svg = renderGraphSvg(model);
      console.log(
        `renderGraphSvg ${name}: ${model.graph.nodes.length} nodes in ` +
          `${(performance.now() - start).toFixed(0)} ms, ${svg.length} chars`,
      );
      const root = parseXml(svg);
      expect(byClass(root, 'op')).toHaveLength(boxes);
      expect(byClass(root, 'input')).toHaveLength(1);
    }
  });
});
