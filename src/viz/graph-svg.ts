/**
 * `renderGraphSvg(model)`: a picture of a model's graph as an SVG string.
 *
 * One `<g class="node">` box per node — a coloured header with the op type, then the node name, its attributes
 * in compact form and the initializers it consumes (`W ⟨256×512×1×1⟩`), so a real model's hundreds of weights
 * do not each get a box. Graph inputs and outputs are rounded boxes of their own colours. Every use of a value is
 * an arrow labelled with the value's type (`float32[N, 256, H, W]`, symbolic dims by name); hovering a box or an
 * arrow in a browser shows the full names. Boxes are sized from a monospace width estimate, and long names are
 * shortened in the middle, so text stays inside its box.
 */
import type { Model } from '../ir/graph.js';
import { displayGraph, type BoxLine, type DisplayBox, type DisplayGraph, type LineRole } from './graph-model.js';
import { layoutGraph, type LayoutOptions, type PlacedBox, type Point } from './layout.js';
import {
  element,
  num,
  svgDocument,
  textColumns,
  textElement,
  textWidth,
  titleElement,
  truncate,
  wrapText,
} from './svg.js';

/** Options of `renderGraphSvg`. */
export interface GraphSvgOptions {
  /** Top to bottom (default) or left to right. */
  readonly direction?: LayoutOptions['direction'];
  /** Infer value types before drawing (default true); the model itself is left unchanged. */
  readonly inferShapes?: boolean;
  /** Longest text line in a box, in characters (default 40); longer names are shortened in the middle. */
  readonly maxLineLength?: number;
  /** Longest edge label, in characters (default 36). */
  readonly maxEdgeLabelLength?: number;
  /** Draw Constant nodes inside the boxes of the nodes that use them, like initializers (default true). */
  readonly foldConstants?: boolean;
  /** A heading above the graph (default: the graph's name and size; `''` for none). */
  readonly title?: string;
}

interface LineStyle {
  readonly size: number;
  readonly weight: 'bold' | 'normal';
  readonly fill: string;
}

const LINE_STYLES: Readonly<Record<LineRole, LineStyle>> = {
  title: { size: 13, weight: 'bold', fill: '#1a1a1a' },
  name: { size: 10.5, weight: 'normal', fill: '#555555' },
  attribute: { size: 11, weight: 'normal', fill: '#1a1a1a' },
  initializer: { size: 11, weight: 'normal', fill: '#6a3d00' },
  note: { size: 11, weight: 'normal', fill: '#b00020' },
};

const LINE_GAP = 1.35;
const PAD_X = 8;
const PAD_Y = 5;
const MIN_BOX_WIDTH = 72;
const EDGE_FONT = 10;
const EDGE_LABEL_PAD = 3;
const HEADING_FONT = 14;

/** Header colours by kind of op (fill, border). */
const CATEGORY_COLOURS: readonly { readonly ops: readonly string[]; readonly fill: string; readonly stroke: string }[] =
  [
    { ops: ['Conv', 'ConvTranspose', 'Gemm', 'MatMul'], fill: '#cfe0f5', stroke: '#3b6ea8' },
    {
      ops: ['MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool', 'LpPool', 'GlobalLpPool'],
      fill: '#cfeccb',
      stroke: '#3c8a37',
    },
    { ops: ['ReduceMax', 'ReduceMean', 'ReduceSum', 'ReduceMin'], fill: '#dcefc0', stroke: '#5d8a1f' },
    {
      ops: ['Relu', 'Sigmoid', 'Tanh', 'LeakyRelu', 'HardSwish', 'HardSigmoid', 'Clip', 'Softmax', 'Elu', 'Gelu'],
      fill: '#fadccb',
      stroke: '#b5582a',
    },
    {
      ops: ['BatchNormalization', 'InstanceNormalization', 'LayerNormalization'],
      fill: '#e8d9f3',
      stroke: '#7a4d9a',
    },
    {
      ops: ['Concat', 'Split', 'Slice', 'Reshape', 'Transpose', 'Flatten', 'Squeeze', 'Unsqueeze', 'Resize'],
      fill: '#e4e4e4',
      stroke: '#6b6b6b',
    },
    {
      ops: ['Shape', 'Gather', 'Expand', 'Pad', 'Identity', 'Cast', 'ConstantOfShape', 'Range', 'Where', 'Equal'],
      fill: '#ececec',
      stroke: '#8a8a8a',
    },
    { ops: ['Constant'], fill: '#f6eecb', stroke: '#a08420' },
  ];
const OTHER_OP = { fill: '#eef1f4', stroke: '#66727f' } as const;
const INPUT_COLOURS = { fill: '#d7f0dc', stroke: '#2e7d32' } as const;
const OUTPUT_COLOURS = { fill: '#fde6c4', stroke: '#b26a00' } as const;

function coloursOf(box: DisplayBox): { readonly fill: string; readonly stroke: string } {
  if (box.kind === 'input') return INPUT_COLOURS;
  if (box.kind === 'output') return OUTPUT_COLOURS;
  return CATEGORY_COLOURS.find((category) => category.ops.includes(box.opType)) ?? OTHER_OP;
}

/** A box's lines after shortening and wrapping, with the box size they need. */
interface BoxText {
  readonly lines: readonly BoxLine[];
  readonly width: number;
  readonly height: number;
  readonly headerHeight: number;
}

const lineHeight = (role: LineRole): number => LINE_STYLES[role].size * LINE_GAP;

/** Shortens names, wraps attributes (several per line where they fit) and measures the box. */
function layoutBoxText(box: DisplayBox, maxColumns: number): BoxText {
  const lines: BoxLine[] = [];
  let attributeLine = '';
  const flush = (): void => {
    if (attributeLine !== '') lines.push({ text: attributeLine, role: 'attribute' });
    attributeLine = '';
  };
  for (const line of box.lines) {
    if (line.role === 'attribute') {
      for (const piece of wrapText(line.text, maxColumns)) {
        const joined = attributeLine === '' ? piece : `${attributeLine}  ${piece}`;
        if (textColumns(joined) <= maxColumns) attributeLine = joined;
        else {
          flush();
          attributeLine = piece;
        }
      }
      continue;
    }
    flush();
    const middle = line.role === 'name' || line.role === 'title';
    lines.push({ text: truncate(line.text, maxColumns, middle), role: line.role });
  }
  flush();
  const width = Math.max(
    MIN_BOX_WIDTH,
    ...lines.map((line) => textWidth(line.text, LINE_STYLES[line.role].size) + 2 * PAD_X),
  );
  const headerHeight = lineHeight('title') + 2 * PAD_Y;
  const body = lines.slice(1).reduce((sum, line) => sum + lineHeight(line.role), 0);
  return { lines, width, height: headerHeight + (body > 0 ? body + 2 * PAD_Y : 0), headerHeight };
}

function renderBox(box: DisplayBox, text: BoxText, at: PlacedBox): string {
  const colours = coloursOf(box);
  const round = box.kind === 'op' ? 4 : 12;
  const parts: string[] = [titleElement(box.tooltip)];
  parts.push(
    element('rect', {
      x: at.x,
      y: at.y,
      width: at.width,
      height: at.height,
      rx: round,
      fill: box.kind === 'op' ? '#ffffff' : colours.fill,
      stroke: colours.stroke,
      'stroke-width': 1.2,
    }),
  );
  if (box.kind === 'op' && text.height > text.headerHeight) {
    // The header band: rounded on top, square where it meets the body.
    const { x, y, width } = at;
    const h = text.headerHeight;
    const r = round;
    const d = [
      `M${num(x)},${num(y + h)}V${num(y + r)}Q${num(x)},${num(y)} ${num(x + r)},${num(y)}`,
      `H${num(x + width - r)}Q${num(x + width)},${num(y)} ${num(x + width)},${num(y + r)}V${num(y + h)}Z`,
    ].join('');
    parts.push(element('path', { d, fill: colours.fill, stroke: colours.stroke, 'stroke-width': 1.2 }));
  } else if (box.kind === 'op') {
    parts.push(
      element('rect', {
        x: at.x,
        y: at.y,
        width: at.width,
        height: at.height,
        rx: round,
        fill: colours.fill,
        stroke: colours.stroke,
        'stroke-width': 1.2,
      }),
    );
  }
  let y = at.y + PAD_Y;
  text.lines.forEach((line, index) => {
    if (index === 1) y = at.y + text.headerHeight + PAD_Y;
    const style = LINE_STYLES[line.role];
    const h = lineHeight(line.role);
    const centred = line.role === 'title' || box.kind !== 'op' || line.role === 'name';
    parts.push(
      textElement(line.text, {
        x: centred ? at.x + at.width / 2 : at.x + PAD_X,
        y: y + h / 2,
        'font-size': style.size,
        'font-weight': style.weight === 'bold' ? 'bold' : undefined,
        fill: style.fill,
        'text-anchor': centred ? 'middle' : undefined,
        'dominant-baseline': 'central',
      }),
    );
    y += h;
  });
  return element('g', { class: `node ${box.kind}`, id: box.id, 'data-op': box.opType }, parts.join(''));
}

/** A smooth path through a polyline: straight ends, quadratic bends through the midpoints between points. */
function smoothPath(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (first === undefined) return '';
  const last = rest[rest.length - 1];
  if (rest.length < 2 || last === undefined)
    return `M${num(first.x)},${num(first.y)}${last === undefined ? '' : `L${num(last.x)},${num(last.y)}`}`;
  let d = `M${num(first.x)},${num(first.y)}`;
  for (let i = 0; i < rest.length - 1; i += 1) {
    const control = rest[i];
    const next = rest[i + 1];
    if (control === undefined || next === undefined) continue;
    const end = i === rest.length - 2 ? next : { x: (control.x + next.x) / 2, y: (control.y + next.y) / 2 };
    d += `Q${num(control.x)},${num(control.y)} ${num(end.x)},${num(end.y)}`;
  }
  return d;
}

const ARROW_MARKER =
  '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ' +
  'orient="auto-start-reverse"><path d="M0,0L10,5L0,10Z" fill="#6d6d6d"/></marker>';

/** Renders an already built display graph (see `displayGraph`). */
export function renderDisplayGraphSvg(graph: DisplayGraph, options: GraphSvgOptions = {}): string {
  const maxColumns = options.maxLineLength ?? 40;
  const maxLabel = options.maxEdgeLabelLength ?? 36;
  const texts = new Map(graph.boxes.map((box) => [box.id, layoutBoxText(box, maxColumns)]));
  const labels = new Map(graph.edges.map((edge) => [edge.id, truncate(edge.label, maxLabel, true)]));
  const labelHeight = EDGE_FONT * LINE_GAP + 2;
  const layout = layoutGraph(
    graph.boxes.map((box) => ({
      id: box.id,
      width: texts.get(box.id)?.width ?? 0,
      height: texts.get(box.id)?.height ?? 0,
    })),
    graph.edges.map((edge) => ({
      id: edge.id,
      from: edge.from,
      to: edge.to,
      labelWidth: textWidth(labels.get(edge.id) ?? '', EDGE_FONT) + 2 * EDGE_LABEL_PAD,
      labelHeight,
    })),
    options.direction === undefined ? {} : { direction: options.direction },
  );
  const nodeCount = graph.boxes.filter((box) => box.kind === 'op').length;
  const folded = graph.foldedConstantCount === 0 ? '' : ` and ${graph.foldedConstantCount} Constant nodes`;
  const heading =
    options.title ??
    `graph '${graph.name}': ${nodeCount + graph.foldedConstantCount} nodes; ` +
      `${graph.initializerCount} initializers${folded} are drawn inside the nodes that use them`;
  const top = heading === '' ? 0 : HEADING_FONT * 2;
  // Edges first, then every label over all edges (so no other edge crosses a label), then the boxes on top.
  const edgeParts: string[] = [];
  const labelParts: string[] = [];
  for (const edge of graph.edges) {
    const route = layout.edges.get(edge.id);
    if (route === undefined) continue;
    const label = labels.get(edge.id) ?? '';
    edgeParts.push(
      element(
        'g',
        { class: edge.captured ? 'edge captured' : 'edge', 'data-from': edge.from, 'data-to': edge.to },
        titleElement(`'${edge.valueName}': ${edge.label}${edge.captured ? ' (read inside a subgraph)' : ''}`) +
          element('path', {
            d: smoothPath(route.points),
            fill: 'none',
            stroke: '#8a8a8a',
            'stroke-width': 1.2,
            'stroke-dasharray': edge.captured ? '5 4' : undefined,
            'marker-end': 'url(#arrow)',
          }),
      ),
    );
    if (route.label === undefined || label === '') continue;
    const width = textWidth(label, EDGE_FONT) + 2 * EDGE_LABEL_PAD;
    labelParts.push(
      element(
        'g',
        { class: 'edge-label', 'data-edge': edge.id },
        titleElement(`'${edge.valueName}': ${edge.label}`) +
          element('rect', {
            x: route.label.x - width / 2,
            y: route.label.y - labelHeight / 2,
            width,
            height: labelHeight,
            rx: 3,
            fill: '#ffffff',
          }) +
          textElement(label, {
            x: route.label.x,
            y: route.label.y,
            'font-size': EDGE_FONT,
            fill: '#4a4a4a',
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
          }),
      ),
    );
  }
  const boxParts = graph.boxes.map((box) => {
    const at = layout.boxes.get(box.id);
    const text = texts.get(box.id);
    return at === undefined || text === undefined ? '' : renderBox(box, text, at);
  });
  const headingText =
    heading === ''
      ? ''
      : textElement(heading, { x: 16, y: HEADING_FONT * 1.4, 'font-size': HEADING_FONT, 'font-weight': 'bold' });
  const width = Math.max(layout.width, textWidth(heading, HEADING_FONT) + 32);
  const picture = [...edgeParts, ...labelParts, ...boxParts].join('');
  const body = `${headingText}<g transform="translate(0 ${top})">${picture}</g>`;
  return svgDocument(width, layout.height + top, body, ARROW_MARKER);
}

/**
 * Draws a model's top-level graph as an SVG document (a string). Value types are inferred first, tolerantly
 * (ops sppkit does not know keep the types the file declares); the model is not modified.
 */
export function renderGraphSvg(model: Model, options: GraphSvgOptions = {}): string {
  const graph = displayGraph(model, {
    ...(options.inferShapes === undefined ? {} : { inferShapes: options.inferShapes }),
    ...(options.foldConstants === undefined ? {} : { foldConstants: options.foldConstants }),
  });
  return renderDisplayGraphSvg(graph, options);
}
