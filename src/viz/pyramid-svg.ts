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
import type { PyramidPanel, PyramidPicture } from './pyramid.js';
import {
  extent,
  gridPanelWidth,
  headerHeight,
  HEADING_FONT,
  MAX_PAGE_WIDTH,
  GRID_TARGET,
  NOTE_FONT,
  NOTE_LINE,
  noteLines,
  PAGE_MARGIN,
  PANEL_GAP,
  PATTERNS,
  textBlock,
  wrapToWidth,
} from './pyramid-grid.js';
import { drawBins, drawField, drawRefused } from './pyramid-panels.js';
import { element, svgDocument, textElement, textWidth } from './svg.js';

/** Cell size shared by all panels: the tallest grid fits in about GRID_TARGET pixels, the widest in 1.5 times that. */
function cellSize(panels: readonly PyramidPanel[]): number {
  let cell = 28;
  for (const panel of panels) {
    if (panel.kind === 'refused') continue;
    const { rows, cols } = extent(panel);
    // Wide maps may use more width than height (an 8×40 map should not shrink to fit 320 pixels across).
    cell = Math.min(cell, Math.floor(GRID_TARGET / rows), Math.floor((GRID_TARGET * 1.5) / cols));
  }
  return Math.max(1, cell);
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
