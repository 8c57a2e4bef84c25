/**
 * The grid of a pyramid panel — input cells, padding ring, indices, rulers' space, header — and the constants
 * every panel shares (see pyramid-svg.ts for what the pictures show).
 */
import type { BinsPanel, FieldPanel, GridPadding } from './pyramid.js';
import { element, textElement, textWidth, wrapText } from './svg.js';

/** Bin colours by (row parity, column parity). */
export const BIN_COLOURS = ['#1f6fd1', '#e8710a', '#1e9e4a', '#9334e6'] as const;
/** Opacity of a bin's fill: low enough that overlapping bins show through each other. */
export const BIN_FILL_OPACITY = 0.26;
/** Font size of a panel's title. */
export const TITLE_FONT = 13;
/** Font size of notes and interval lists. */
export const NOTE_FONT = 11;
/** Line height of notes. */
export const NOTE_LINE = 15;
/** Font size of the row and column indices. */
export const INDEX_FONT = 9;
/** Width of one ruler lane (two lanes per ruler). */
export const LANE = 5;
/** Narrowest panel, so that notes and refusal reasons stay readable. */
export const PANEL_MIN_WIDTH = 300;
/** Smallest space between two bin labels, or they read as one string (`0,00,1`). */
export const LABEL_GAP = 12;
/** Space between panels. */
export const PANEL_GAP = 28;
/** Margin around the picture. */
export const PAGE_MARGIN = 20;
/** Panels wrap into a new row past this width. */
export const MAX_PAGE_WIDTH = 1560;
/** About how many pixels the largest grid spans. */
export const GRID_TARGET = 320;
/** Font size of the picture's heading. */
export const HEADING_FONT = 15;

/** The hatchings: grey for padding, red for cells no window reads. */
export const PATTERNS =
  '<pattern id="pad-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
  '<rect width="6" height="6" fill="#f1f1f1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#c4c4c4" stroke-width="2"/>' +
  '</pattern>' +
  '<pattern id="miss-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">' +
  '<rect width="6" height="6" fill="#fde8e8"/><line x1="0" y1="0" x2="0" y2="6" stroke="#e05050" stroke-width="2"/>' +
  '</pattern>';

/** A bin's colour by the parity of its row and column: neighbouring bins always differ. */
export const binColour = (i: number, j: number): string => BIN_COLOURS[(i % 2) * 2 + (j % 2)] ?? '#1f6fd1';

/** Rows and columns of a panel's grid, padding included. */
export function extent(panel: BinsPanel | FieldPanel): { rows: number; cols: number } {
  const p = panel.padding;
  return { rows: p.top + panel.height + p.bottom, cols: p.left + panel.width + p.right };
}

/** A drawn panel: its SVG (origin at its top-left corner) and its size. */
export interface Drawn {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
}

/** Text lines wrapped to `width` pixels at `fontSize`. */
export function wrapToWidth(text: string, width: number, fontSize: number): string[] {
  return wrapText(text, Math.max(8, Math.floor(width / (fontSize * 0.62))));
}

/** Lines of text, one under the other, from (x, y) down. */
export function textBlock(lines: readonly string[], x: number, y: number, fontSize: number, fill: string): string {
  return lines
    .map((line, k) =>
      textElement(line, { x, y: y + k * (fontSize + 4), 'font-size': fontSize, fill, 'dominant-baseline': 'hanging' }),
    )
    .join('');
}

/** How far apart index labels must be so that they do not collide. */
export function indexStep(cell: number, widest: number): number {
  const need = widest + 5;
  for (const step of [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]) if (step * cell >= need) return step;
  return 1000;
}

/** The grid: padding ring, input cells, grid lines and indices. Origin (ox, oy) is the padded grid's corner. */
export function drawGrid(panel: BinsPanel | FieldPanel, ox: number, oy: number, cell: number): string {
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
export function inputBorder(panel: BinsPanel | FieldPanel, ox: number, oy: number, cell: number): string {
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

/** Lines of a panel's notes at its width. */
export function noteLines(notes: readonly string[], width: number): string[] {
  return notes.flatMap((note) => wrapToWidth(note, width, NOTE_FONT));
}

/** Height of a header with `lines` note lines. */
export const headerHeight = (lines: number): number => TITLE_FONT + 8 + lines * NOTE_LINE + 6;

/** Width of a grid panel: the grid with its rulers, at least PANEL_MIN_WIDTH. */
export function gridPanelWidth(panel: BinsPanel | FieldPanel, cell: number): number {
  return Math.max(PANEL_MIN_WIDTH, gridLeft(panel) + extent(panel).cols * cell + 4);
}

/** Space left of the grid: row indices and the row ruler. */
export function gridLeft(panel: BinsPanel | FieldPanel): number {
  return 2 * LANE + 8 + textWidth(String(panel.height - 1), INDEX_FONT) + 4;
}

/** The title and notes; `height` is shared by every panel so that their grids line up. */
export function header(
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
