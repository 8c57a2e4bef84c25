/**
 * Drawing pyramid pictures: one panel per level (or per pool of a neck), side by side, wrapping into rows.
 *
 * A bins panel is the H×W grid of input cells with every bin's window over it — semi-transparent, in one of four
 * colours chosen by the parity of the bin's row and column, so neighbouring bins always differ and the rows or
 * columns two uneven adaptive bins share show in a mixed colour. The rulers left of and above the grid show each
 * row and column interval as a bar (alternating lanes, so overlapping intervals sit side by side); cells no window
 * reads are hatched red; padding is hatched grey. Below the grid, the intervals in numbers.
 * A field panel shows a neck pool's window around one output cell, with the windows of the earlier pools of its
 * chain as dashed outlines. A refused panel states the block's reason instead of a picture.
 */
import type {
  BinsPanel,
  FieldPanel,
  GridPadding,
  Interval,
  PyramidPanel,
  PyramidPicture,
  RefusedPanel,
} from './pyramid.js';
import { element, svgDocument, textElement, textWidth, wrapText } from './svg.js';

/** Bin colours by (row parity, column parity). */
const BIN_COLOURS = ['#1f6fd1', '#e8710a', '#1e9e4a', '#9334e6'] as const;
const BIN_FILL_OPACITY = 0.26;
const TITLE_FONT = 13;
const NOTE_FONT = 11;
const NOTE_LINE = 15;
const INDEX_FONT = 9;
const LANE = 5;
const PANEL_MIN_WIDTH = 300;
const LABEL_GAP = 12;
const PANEL_GAP = 28;
const PAGE_MARGIN = 20;
const MAX_PAGE_WIDTH = 1560;
const GRID_TARGET = 320;
const HEADING_FONT = 15;

const PATTERNS =
  '<pattern id="pad-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
  '<rect width="6" height="6" fill="#f1f1f1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c4c4c4" stroke-width="2"/>' +
  '</pattern>' +
  '<pattern id="miss-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">' +
  '<rect width="6" height="6" fill="#fde8e8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e05050" stroke-width="2"/>' +
  '</pattern>';

const binColour = (i: number, j: number): string => BIN_COLOURS[(i % 2) * 2 + (j % 2)] ?? '#1f6fd1';

/** Rows and columns of a panel's grid, padding included. */
function extent(panel: BinsPanel | FieldPanel): { rows: number; cols: number } {
  const p = panel.padding;
  return { rows: p.top + panel.height + p.bottom, cols: p.left + panel.width + p.right };
}

/** Cell size shared by all panels: the largest grid fits in about GRID_TARGET pixels. */
function cellSize(panels: readonly PyramidPanel[]): number {
  const largest = Math.max(
    1,
    ...panels.flatMap((panel) => {
      if (panel.kind === 'refused') return [];
      const { rows, cols } = extent(panel);
      return [Math.max(rows, cols)];
    }),
  );
  return Math.max(1, Math.min(28, Math.floor(GRID_TARGET / largest)));
}

interface Drawn {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

/** Text lines wrapped to `width` pixels at `fontSize`. */
function wrapToWidth(text: string, width: number, fontSize: number): string[] {
  return wrapText(text, Math.max(8, Math.floor(width / (fontSize * 0.62))));
}

function textBlock(lines: readonly string[], x: number, y: number, fontSize: number, fill: string): string {
  return lines
    .map((line, k) =>
      textElement(line, { x, y: y + k * (fontSize + 4), 'font-size': fontSize, fill, 'dominant-baseline': 'hanging' }),
    )
    .join('');
}

/** How far apart index labels must be so that they do not collide. */
function indexStep(cell: number, widest: number): number {
  const need = widest + 3;
  for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) if (step * cell >= need) return step;
  return 1000;
}

/** The grid: padding ring, input cells, grid lines and indices. Origin (ox, oy) is the padded grid's corner. */
function drawGrid(panel: BinsPanel | FieldPanel, ox: number, oy: number, cell: number): string {
  const { rows, cols } = extent(panel);
  const p: GridPadding = panel.padding;
  const parts: string[] = [];
  if (rows !== panel.height || cols !== panel.width)
    parts.push(element('rect', { x: ox, y: oy, width: cols * cell, height: rows * cell, fill: 'url(#pad-hatch)' }));
  const ix = ox + p.left * cell;
  const iy = oy + p.top * cell;
  parts.push(
    element('rect', { x: ix, y: iy, width: panel.width * cell, height: panel.height * cell, fill: '#ffffff' }),
  );
  if (cell >= 4) {
    const lines: string[] = [];
    for (let r = 0; r <= rows; r += 1) lines.push(`M${ox},${oy + r * cell}h${cols * cell}`);
    for (let c = 0; c <= cols; c += 1) lines.push(`M${ox + c * cell},${oy}v${rows * cell}`);
    parts.push(element('path', { d: lines.join(''), stroke: '#d9d9d9', 'stroke-width': 0.6, fill: 'none' }));
  }
  // Indices of the input rows (left) and columns (top); padding cells carry none.
  const step = indexStep(cell, textWidth(String(Math.max(panel.height, panel.width) - 1), INDEX_FONT));
  const rowStep = indexStep(cell, INDEX_FONT);
  const labelStyle = { 'font-size': INDEX_FONT, fill: '#777777' };
  for (let r = 0; r < panel.height; r += rowStep)
    parts.push(
      textElement(String(r), {
        ...labelStyle,
        x: ox - 2 * LANE - 6,
        y: iy + (r + 0.5) * cell,
        'text-anchor': 'end',
        'dominant-baseline': 'central',
      }),
    );
  for (let c = 0; c < panel.width; c += step)
    parts.push(
      textElement(String(c), {
        ...labelStyle,
        x: ix + (c + 0.5) * cell,
        y: oy - 2 * LANE - 6,
        'text-anchor': 'middle',
      }),
    );
  return parts.join('');
}

/** The input's border, drawn over the windows so the edge of the input stays visible. */
function inputBorder(panel: BinsPanel | FieldPanel, ox: number, oy: number, cell: number): string {
  return element('rect', {
    x: ox + panel.padding.left * cell,
    y: oy + panel.padding.top * cell,
    width: panel.width * cell,
    height: panel.height * cell,
    fill: 'none',
    stroke: '#333333',
    'stroke-width': 1.2,
    class: 'input-border',
  });
}

/**
 * The largest font (12 px down to 9 px) at which the bin labels `i,j` fit their windows without touching the
 * labels of the neighbouring bins; undefined when the bins are too dense to label.
 */
function binLabelFont(panel: BinsPanel, cell: number): number | undefined {
  const n = Math.max(panel.rows.length, panel.cols.length);
  const label = `${n - 1},${n - 1}`;
  const centres = (intervals: readonly Interval[]): number[] => intervals.map((iv) => ((iv.start + iv.end) / 2) * cell);
  const gap = (values: readonly number[]): number =>
    values.slice(1).reduce((least, value, k) => Math.min(least, value - (values[k] ?? 0)), Infinity);
  const narrowest = (intervals: readonly Interval[]): number =>
    Math.min(...intervals.map((iv) => (iv.end - iv.start) * cell));
  const across = Math.min(gap(centres(panel.cols)), narrowest(panel.cols));
  const down = Math.min(gap(centres(panel.rows)), narrowest(panel.rows));
  // A clear gap (LABEL_GAP) between neighbouring labels, or they read as one string (`0,00,10,2`).
  for (let font = 12; font >= 9; font -= 1)
    if (textWidth(label, font) + LABEL_GAP <= across && font + 3 <= down) return font;
  return undefined;
}

/** Intervals as text: `[0, 4) [3, 7) …`. */
function intervalsText(intervals: readonly Interval[]): string {
  return intervals.map((iv) => `[${iv.start}, ${iv.end})`).join(' ');
}

/** Runs of consecutive indices as text: `9`, `0-2, 9`. */
function runsText(indices: readonly number[]): string {
  const runs: string[] = [];
  let from: number | undefined;
  indices.forEach((index, k) => {
    from ??= index;
    const next = indices[k + 1];
    if (next !== index + 1) {
      runs.push(from === index ? `${index}` : `${from}-${index}`);
      from = undefined;
    }
  });
  return runs.join(', ');
}

/** Lines of a panel's notes at its width. */
function noteLines(notes: readonly string[], width: number): string[] {
  return notes.flatMap((note) => wrapToWidth(note, width, NOTE_FONT));
}

/** Height of a header with `lines` note lines. */
const headerHeight = (lines: number): number => TITLE_FONT + 8 + lines * NOTE_LINE + 6;

/** Width of a grid panel: the grid with its rulers, at least PANEL_MIN_WIDTH. */
function gridPanelWidth(panel: BinsPanel | FieldPanel, cell: number): number {
  return Math.max(PANEL_MIN_WIDTH, gridLeft(panel) + extent(panel).cols * cell + 4);
}

/** Space left of the grid: row indices and the row ruler. */
function gridLeft(panel: BinsPanel | FieldPanel): number {
  return 2 * LANE + 8 + textWidth(String(panel.height - 1), INDEX_FONT) + 4;
}

/** The title and notes; `height` is shared by every panel so that their grids line up. */
function header(
  title: string,
  notes: readonly string[],
  width: number,
  height: number,
): { svg: string; height: number } {
  const titleSvg = textElement(title, {
    x: 0,
    y: 0,
    'font-size': TITLE_FONT,
    'font-weight': 'bold',
    'dominant-baseline': 'hanging',
  });
  const lines = noteLines(notes, width);
  return {
    svg: titleSvg + textBlock(lines, 0, TITLE_FONT + 8, NOTE_FONT, '#555555'),
    height: Math.max(height, headerHeight(lines.length)),
  };
}

function drawBins(panel: BinsPanel, cell: number, headHeight: number): Drawn {
  const { rows } = extent(panel);
  const left = gridLeft(panel);
  const width = gridPanelWidth(panel, cell);
  const head = header(panel.title, panel.notes, width, headHeight);
  const top = head.height + 2 * LANE + 8 + INDEX_FONT + 4;
  const ox = left;
  const oy = top;
  const at = (index: number, pad: number): number => (index + pad) * cell;
  const parts = [head.svg, drawGrid(panel, ox, oy, cell)];
  // Cells no window reads.
  for (const r of panel.uncoveredRows)
    parts.push(
      element('rect', {
        x: ox + at(0, panel.padding.left),
        y: oy + at(r, panel.padding.top),
        width: panel.width * cell,
        height: cell,
        fill: 'url(#miss-hatch)',
        'fill-opacity': 0.9,
      }),
    );
  for (const c of panel.uncoveredCols)
    parts.push(
      element('rect', {
        x: ox + at(c, panel.padding.left),
        y: oy + at(0, panel.padding.top),
        width: cell,
        height: panel.height * cell,
        fill: 'url(#miss-hatch)',
        'fill-opacity': 0.9,
      }),
    );
  // The windows, then their outlines (inset, so neighbouring outlines stay apart), then the labels.
  const inset = Math.min(1.5, cell / 6);
  const windows: string[] = [];
  const outlines: string[] = [];
  const labels: string[] = [];
  const labelFont = binLabelFont(panel, cell);
  panel.rows.forEach((rowIv, i) => {
    panel.cols.forEach((colIv, j) => {
      const x = ox + at(colIv.start, panel.padding.left);
      const y = oy + at(rowIv.start, panel.padding.top);
      const w = (colIv.end - colIv.start) * cell;
      const h = (rowIv.end - rowIv.start) * cell;
      const colour = binColour(i, j);
      windows.push(
        element('rect', {
          x,
          y,
          width: w,
          height: h,
          fill: colour,
          'fill-opacity': BIN_FILL_OPACITY,
          class: 'bin',
          'data-bin': `${i},${j}`,
          'data-rows': `${rowIv.start},${rowIv.end}`,
          'data-cols': `${colIv.start},${colIv.end}`,
        }),
      );
      outlines.push(
        element('rect', {
          x: x + inset,
          y: y + inset,
          width: Math.max(0, w - 2 * inset),
          height: Math.max(0, h - 2 * inset),
          fill: 'none',
          stroke: colour,
          'stroke-width': 1.4,
        }),
      );
      const label = `${i},${j}`;
      if (labelFont !== undefined)
        labels.push(
          textElement(label, {
            x: x + w / 2,
            y: y + h / 2,
            'font-size': labelFont,
            fill: colour,
            'font-weight': 'bold',
            'text-anchor': 'middle',
            'dominant-baseline': 'central',
          }),
        );
    });
  });
  parts.push(...windows, ...outlines, inputBorder(panel, ox, oy, cell), ...labels);
  // Rulers: one bar per row interval (left) and column interval (top), in alternating lanes.
  panel.rows.forEach((iv, i) =>
    parts.push(
      element('rect', {
        x: ox - 2 * LANE - 3 + (i % 2) * LANE,
        y: oy + at(iv.start, panel.padding.top) + 1,
        width: LANE - 1,
        height: Math.max(1, (iv.end - iv.start) * cell - 2),
        fill: binColour(i, 0),
        class: 'row-bar',
      }),
    ),
  );
  panel.cols.forEach((iv, j) =>
    parts.push(
      element('rect', {
        x: ox + at(iv.start, panel.padding.left) + 1,
        y: oy - 2 * LANE - 3 + (j % 2) * LANE,
        width: Math.max(1, (iv.end - iv.start) * cell - 2),
        height: LANE - 1,
        fill: binColour(0, j),
        class: 'col-bar',
      }),
    ),
  );
  const below: string[] = [`rows ${intervalsText(panel.rows)}`, `cols ${intervalsText(panel.cols)}`];
  const missing: string[] = [];
  if (panel.uncoveredRows.length > 0)
    missing.push(`row${panel.uncoveredRows.length > 1 ? 's' : ''} ${runsText(panel.uncoveredRows)}`);
  if (panel.uncoveredCols.length > 0)
    missing.push(`col${panel.uncoveredCols.length > 1 ? 's' : ''} ${runsText(panel.uncoveredCols)}`);
  const belowLines = below.flatMap((line) => wrapToWidth(line, width, NOTE_FONT));
  const missLines =
    missing.length === 0 ? [] : wrapToWidth(`read by no window: ${missing.join('; ')}`, width, NOTE_FONT);
  const textTop = oy + rows * cell + 10;
  parts.push(textBlock(belowLines, 0, textTop, NOTE_FONT, '#333333'));
  parts.push(textBlock(missLines, 0, textTop + belowLines.length * NOTE_LINE, NOTE_FONT, '#c62828'));
  return { svg: parts.join(''), width, height: textTop + (belowLines.length + missLines.length) * NOTE_LINE };
}

function drawField(panel: FieldPanel, cell: number, headHeight: number): Drawn {
  const { rows } = extent(panel);
  const left = gridLeft(panel);
  const width = gridPanelWidth(panel, cell);
  const head = header(panel.title, panel.notes, width, headHeight);
  const ox = left;
  const oy = head.height + 2 * LANE + 8 + INDEX_FONT + 4;
  const at = (index: number, pad: number): number => (index + pad) * cell;
  const parts = [head.svg, drawGrid(panel, ox, oy, cell)];
  const rect = (rowsIv: Interval, colsIv: Interval): { x: number; y: number; width: number; height: number } => ({
    x: ox + at(colsIv.start, panel.padding.left),
    y: oy + at(rowsIv.start, panel.padding.top),
    width: (colsIv.end - colsIv.start) * cell,
    height: (rowsIv.end - rowsIv.start) * cell,
  });
  const field = panel.stages[panel.stages.length - 1];
  if (field !== undefined) {
    parts.push(
      element('rect', {
        ...rect(field.rows, field.cols),
        fill: BIN_COLOURS[0],
        'fill-opacity': BIN_FILL_OPACITY,
        stroke: BIN_COLOURS[0],
        'stroke-width': 1.6,
        class: 'field',
        'data-rows': `${field.rows.start},${field.rows.end}`,
        'data-cols': `${field.cols.start},${field.cols.end}`,
      }),
    );
  }
  panel.stages.forEach((stage, k) => {
    const box = rect(stage.rows, stage.cols);
    if (k < panel.stages.length - 1)
      parts.push(
        element('rect', {
          ...box,
          fill: 'none',
          stroke: BIN_COLOURS[1],
          'stroke-width': 1.4,
          'stroke-dasharray': '4 3',
          class: 'stage',
          'data-rows': `${stage.rows.start},${stage.rows.end}`,
        }),
      );
    parts.push(
      textElement(stage.label, {
        x: box.x + 3,
        y: box.y + 3,
        'font-size': Math.max(8, Math.min(11, cell * 0.8)),
        fill: k < panel.stages.length - 1 ? '#a14f00' : '#0b4a99',
        'font-weight': 'bold',
        'dominant-baseline': 'hanging',
      }),
    );
  });
  const out = rect(
    { start: panel.cell.row, end: panel.cell.row + 1 },
    { start: panel.cell.col, end: panel.cell.col + 1 },
  );
  parts.push(inputBorder(panel, ox, oy, cell));
  parts.push(element('rect', { ...out, fill: '#111111', 'fill-opacity': 0.75, class: 'output-cell' }));
  return { svg: parts.join(''), width, height: oy + rows * cell + 6 };
}

function drawRefused(panel: RefusedPanel, height: number): Drawn {
  const width = PANEL_MIN_WIDTH;
  const titleSvg = textElement(panel.title, {
    x: 0,
    y: 0,
    'font-size': TITLE_FONT,
    'font-weight': 'bold',
    fill: '#b71c1c',
    'dominant-baseline': 'hanging',
  });
  const lines = wrapToWidth(panel.reason, width - 20, NOTE_FONT);
  const boxHeight = Math.max(height - TITLE_FONT - 10, lines.length * NOTE_LINE + 20);
  const box = element('rect', {
    x: 0,
    y: TITLE_FONT + 8,
    width,
    height: boxHeight,
    rx: 6,
    fill: '#fff5f5',
    stroke: '#d32f2f',
    'stroke-width': 1.4,
    class: 'refused',
  });
  return {
    svg: titleSvg + box + textBlock(lines, 10, TITLE_FONT + 18, NOTE_FONT, '#7f1d1d'),
    width,
    height: TITLE_FONT + 8 + boxHeight,
  };
}

/** Draws a pyramid picture (panels side by side, wrapping) as an SVG document. */
export function drawPyramidPicture(picture: PyramidPicture): string {
  const cell = cellSize(picture.panels);
  // One header height for all panels, so that their grids line up.
  const headHeight = Math.max(
    0,
    ...picture.panels.map((panel) =>
      panel.kind === 'refused' ? 0 : headerHeight(noteLines(panel.notes, gridPanelWidth(panel, cell)).length),
    ),
  );
  const drawnGrids = picture.panels.map((panel) =>
    panel.kind === 'bins'
      ? drawBins(panel, cell, headHeight)
      : panel.kind === 'field'
        ? drawField(panel, cell, headHeight)
        : undefined,
  );
  const tallest = Math.max(200, ...drawnGrids.map((d) => d?.height ?? 0));
  const drawn = picture.panels.map(
    (panel, k) =>
      drawnGrids[k] ??
      drawRefused(panel.kind === 'refused' ? panel : { kind: 'refused', title: '', reason: '' }, tallest),
  );
  // Panels flow left to right, wrapping at MAX_PAGE_WIDTH.
  const placed: { x: number; row: number }[] = [];
  let x = PAGE_MARGIN;
  let row = 0;
  let pageWidth = 0;
  for (const panel of drawn) {
    if (x > PAGE_MARGIN && x + panel.width > MAX_PAGE_WIDTH) {
      x = PAGE_MARGIN;
      row += 1;
    }
    placed.push({ x, row });
    pageWidth = Math.max(pageWidth, x + panel.width);
    x += panel.width + PANEL_GAP;
  }
  const width = Math.max(pageWidth, 640, textWidth(picture.heading, HEADING_FONT) + PAGE_MARGIN) + PAGE_MARGIN;
  const ruleLines = [picture.rule, ...picture.legend].flatMap((line) =>
    wrapToWidth(line, width - 2 * PAGE_MARGIN, NOTE_FONT),
  );
  const parts: string[] = [
    textElement(picture.heading, {
      x: PAGE_MARGIN,
      y: PAGE_MARGIN,
      'font-size': HEADING_FONT,
      'font-weight': 'bold',
      'dominant-baseline': 'hanging',
    }),
    textBlock(ruleLines, PAGE_MARGIN, PAGE_MARGIN + HEADING_FONT + 8, NOTE_FONT, '#444444'),
  ];
  const rowHeights: number[] = [];
  drawn.forEach((panel, k) => {
    const at = placed[k]?.row ?? 0;
    rowHeights[at] = Math.max(rowHeights[at] ?? 0, panel.height);
  });
  const firstTop = PAGE_MARGIN + HEADING_FONT + 8 + ruleLines.length * NOTE_LINE + 16;
  const rowTop = (at: number): number =>
    firstTop + rowHeights.slice(0, at).reduce((sum, h) => sum + (h ?? 0) + PANEL_GAP, 0);
  drawn.forEach((panel, k) => {
    const place = placed[k] ?? { x: PAGE_MARGIN, row: 0 };
    const kind = picture.panels[k]?.kind ?? 'bins';
    parts.push(
      element('g', { class: `panel ${kind}`, transform: `translate(${place.x} ${rowTop(place.row)})` }, panel.svg),
    );
  });
  const height = rowTop(rowHeights.length) - PANEL_GAP + PAGE_MARGIN;
  return svgDocument(width, height, parts.join(''), PATTERNS);
}
