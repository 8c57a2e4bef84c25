/**
 * The three kinds of pyramid panel: a level's bins over the grid, a neck pool's receptive field around an output
 * cell, and a refusal that states the block's reason.
 */
import type { BinsPanel, FieldPanel, Interval, RefusedPanel } from './pyramid.js';
import {
  BIN_COLOURS,
  BIN_FILL_OPACITY,
  binColour,
  drawGrid,
  extent,
  gridLeft,
  gridPanelWidth,
  header,
  INDEX_FONT,
  inputBorder,
  LABEL_GAP,
  LANE,
  NOTE_FONT,
  NOTE_LINE,
  PANEL_MIN_WIDTH,
  textBlock,
  TITLE_FONT,
  wrapToWidth,
  type Drawn,
} from './pyramid-grid.js';
import { element, textElement, textWidth } from './svg.js';

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

/** A level's bins over the input grid, with rulers, labels and the intervals in numbers. */
export function drawBins(panel: BinsPanel, cell: number, headHeight: number): Drawn {
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
            // A white halo keeps the label readable over grid lines, outlines and the input's border.
            stroke: '#ffffff',
            'stroke-width': 2.5,
            'paint-order': 'stroke',
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

/** A neck pool's receptive field around the output cell, with its chain's earlier windows dashed. */
export function drawField(panel: FieldPanel, cell: number, headHeight: number): Drawn {
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
        class: 'field-window',
        'data-rows': `${field.rows.start},${field.rows.end}`,
        'data-cols': `${field.cols.start},${field.cols.end}`,
      }),
    );
  }
  const font = Math.max(8, Math.min(11, cell * 0.8));
  panel.stages.forEach((stage, k) => {
    const box = rect(stage.rows, stage.cols);
    const last = k === panel.stages.length - 1;
    if (!last)
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
    // An inner window's label only where it clears the next window's label; the size alone where the chain
    // (`5∘5 = 9×9`) is wider than the window.
    const next = panel.stages[k + 1];
    if (next !== undefined && box.y - rect(next.rows, next.cols).y < font + 3) return;
    const size = stage.label.split(' = ').at(-1) ?? stage.label;
    const label = textWidth(stage.label, font) + 6 <= box.width ? stage.label : size;
    parts.push(
      textElement(label, {
        x: box.x + 3,
        y: box.y + 3,
        'font-size': font,
        fill: last ? '#0b4a99' : '#a14f00',
        'font-weight': 'bold',
        stroke: '#ffffff',
        'stroke-width': 2.5,
        'paint-order': 'stroke',
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

/** A refusal: the title and the block's reason in a red box as tall as the other panels. */
export function drawRefused(panel: RefusedPanel, height: number): Drawn {
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
    class: 'refusal',
  });
  return {
    svg: titleSvg + box + textBlock(lines, 10, TITLE_FONT + 18, NOTE_FONT, '#7f1d1d'),
    width,
    height: TITLE_FONT + 8 + boxHeight,
  };
}
