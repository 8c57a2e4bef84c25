/**
 * Layered layout of a graph picture, by dagre (@dagrejs/dagre).
 *
 * Why dagre and not ELK (elkjs 0.12): both were tried on YOLOv5n (236 nodes, 322 edges) and YOLOv5n-seg (358
 * nodes) with the same boxes and edge labels (ELK: `layered`, spline routing, labels centred on their edges).
 *   - Readability: both give a clean top-to-bottom layered picture of these graphs, with edges kept out of boxes.
 *     dagre gives every edge label a slot of its own on the edge, at its middle rank, so each label sits on its
 *     line; ELK put labels beside their edges, and on the long skip edges of the YOLO neck a label ended up far
 *     from both ends (a Detect head's `float32[1, 960, 85]` ~800 px above its Concat). dagre also put YOLOv5n's
 *     three Detect heads side by side where ELK stacked them (22,100 px tall against 26,700).
 *   - Speed: layout alone, dagre 1.5–2.2 s, ELK 4.0–5.5 s in Node on this (shared) machine.
 *   - API: dagre is synchronous, so `renderGraphSvg` returns a string in the CLI, the tests and the browser
 *     alike; elkjs's `layout()` returns a Promise, which would make every caller async.
 *   - Size: dagre's ESM bundle is 48 kB with graphlib (MIT); elkjs's is 1.6 MB (EPL-2.0 / GPL-3.0), a 30×
 *     difference for the browser app.
 * The cost: dagre 3.1.3's own declarations do not resolve under NodeNext, so dagre.ts types the few members used.
 */
import { dagre } from './dagre.js';

/** A point in picture coordinates (pixels, y down). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A box to place: its size is fixed by its text. */
export interface LayoutBoxInput {
  readonly id: string;
  readonly width: number;
  readonly height: number;
}

/** An edge to route, with the size of its label (0×0 for none). */
export interface LayoutEdgeInput {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly labelWidth: number;
  readonly labelHeight: number;
}

/** Where a box went: its top-left corner and size. */
export interface PlacedBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** How an edge goes: its polyline (producer to consumer) and the centre of its label. */
export interface RoutedEdge {
  readonly points: readonly Point[];
  readonly label: Point | undefined;
}

/** A finished layout. */
export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly boxes: ReadonlyMap<string, PlacedBox>;
  readonly edges: ReadonlyMap<string, RoutedEdge>;
}

/** Layout options. */
export interface LayoutOptions {
  /** Top to bottom (default) or left to right. */
  readonly direction?: 'TB' | 'LR';
  /** Space between boxes of one rank (default 24). */
  readonly nodeSeparation?: number;
  /** Space between ranks (default 36). */
  readonly rankSeparation?: number;
  /** Margin around the picture (default 16). */
  readonly margin?: number;
}

/** Places the boxes and routes the edges. Synchronous; throws nothing for any well-formed input. */
export function layoutGraph(
  boxes: readonly LayoutBoxInput[],
  edges: readonly LayoutEdgeInput[],
  options: LayoutOptions = {},
): GraphLayout {
  const margin = options.margin ?? 16;
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({
    rankdir: options.direction ?? 'TB',
    nodesep: options.nodeSeparation ?? 24,
    ranksep: options.rankSeparation ?? 36,
    edgesep: 12,
    marginx: margin,
    marginy: margin,
  });
  for (const box of boxes) graph.setNode(box.id, { width: box.width, height: box.height });
  for (const edge of edges) {
    graph.setEdge(
      edge.from,
      edge.to,
      { width: edge.labelWidth, height: edge.labelHeight, labelpos: 'c', minlen: 1 },
      edge.id,
    );
  }
  dagre.layout(graph);

  const placed = new Map<string, PlacedBox>();
  for (const box of boxes) {
    const node = graph.node(box.id);
    const x = (node?.x ?? 0) - box.width / 2;
    const y = (node?.y ?? 0) - box.height / 2;
    placed.set(box.id, { x, y, width: box.width, height: box.height });
  }
  const routed = new Map<string, RoutedEdge>();
  for (const edge of edges) {
    const label = graph.edge({ v: edge.from, w: edge.to, name: edge.id });
    const points = (label?.points ?? []).map((p) => ({ x: p.x, y: p.y }));
    const at =
      edge.labelWidth > 0 && label?.x !== undefined && label.y !== undefined ? { x: label.x, y: label.y } : undefined;
    routed.set(edge.id, { points, label: at });
  }
  const size = graph.graph();
  // dagre reports -Infinity for a graph without nodes.
  const extent = (value: number | undefined): number =>
    value !== undefined && Number.isFinite(value) ? value : 2 * margin;
  return { width: extent(size.width), height: extent(size.height), boxes: placed, edges: routed };
}
