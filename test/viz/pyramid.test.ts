/**
 * Pyramid pictures, checked against the definitions worked out by hand:
 *   adaptive bin i of n on an axis of size a: [floor(i·a/n), ceil((i+1)·a/n))
 *   SPP-net paper: window ceil(a/n), stride floor(a/n), no padding — window i covers [i·s, i·s + k)
 *   seed code: kernel = stride = ceil(a/n), pad = floor((k·n − a + 1)/2) —
 *     window i covers [i·k − p, i·k − p + k)
 *   stride-1 max pool k, pad k//2, around output r: [r − k//2, r + k//2 + 1); chained pools add their reaches
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/ir/errors.js';
import type { BinsPanel, FieldPanel, PyramidPanel } from '../../src/viz/pyramid.js';
import { pyramidPicture, renderPyramidSvg } from '../../src/viz/pyramid-picture.js';
import { byClass, numberAttr, parseXml, texts, type XmlElement } from './xml.js';

type Pair = readonly [number, number];

/** The adaptive bin rule, written from its definition. */
const adaptive = (i: number, n: number, a: number): Pair => [Math.floor((i * a) / n), Math.ceil(((i + 1) * a) / n)];

function bins(panel: PyramidPanel | undefined): BinsPanel {
  if (panel?.kind !== 'bins') throw new Error(`expected a bins panel, got ${JSON.stringify(panel)}`);
  return panel;
}

function field(panel: PyramidPanel | undefined): FieldPanel {
  if (panel?.kind !== 'field') throw new Error(`expected a field panel, got ${JSON.stringify(panel)}`);
  return panel;
}

const pairs = (intervals: readonly { start: number; end: number }[]): Pair[] =>
  intervals.map((iv) => [iv.start, iv.end]);

/** The drawn panels of an SVG, in order. */
function panels(svg: string): XmlElement[] {
  return byClass(parseXml(svg), 'panel');
}

/** `data-rows` / `data-cols` of an element as a pair. */
function span(element: XmlElement, name: 'data-rows' | 'data-cols'): Pair {
  const [start, end] = (element.attributes.get(name) ?? '').split(',').map(Number);
  return [start ?? NaN, end ?? NaN];
}

describe('renderPyramidSvg: adaptive bins', () => {
  it('draws the uneven bins of sppAdaptive at 13×13 (level 4: bins 1 [3, 7) and 2 [6, 10) share row 6)', () => {
    const picture = pyramidPicture('sppAdaptive', { levels: [4, 2, 1], pool: 'max' }, { height: 13, width: 13 });
    const [four, two, one] = picture.panels.map(bins);
    expect(pairs(four!.rows)).toEqual([
      [0, 4],
      [3, 7],
      [6, 10],
      [9, 13],
    ]);
    expect(pairs(two!.rows)).toEqual([
      [0, 7],
      [6, 13],
    ]);
    expect(pairs(one!.cols)).toEqual([[0, 13]]);
    expect(four!.uncoveredRows).toEqual([]);

    const svg = renderPyramidSvg('sppAdaptive', { levels: [4, 2, 1], pool: 'max' }, { height: 13, width: 13 });
    const level4 = panels(svg)[0]!;
    const drawn = byClass(level4, 'bin');
    expect(drawn).toHaveLength(16);
    const bin12 = drawn.find((rect) => rect.attributes.get('data-bin') === '1,2')!;
    expect(span(bin12, 'data-rows')).toEqual([3, 7]);
    expect(span(bin12, 'data-cols')).toEqual([6, 10]);
    // Rows covered by two bins: 3, 6 and 9.
    const coverage = Array.from(
      { length: 13 },
      (_, row) =>
        drawn.filter(
          (rect) =>
            rect.attributes.get('data-bin')?.endsWith(',0') &&
            span(rect, 'data-rows')[0] <= row &&
            row < span(rect, 'data-rows')[1],
        ).length,
    );
    expect(coverage.flatMap((count, row) => (count === 2 ? [row] : []))).toEqual([3, 6, 9]);
    // The pixels follow the intervals: one cell size, and each window starts where its interval says.
    const cell = numberAttr(bin12, 'height') / 4;
    const bin00 = drawn.find((rect) => rect.attributes.get('data-bin') === '0,0')!;
    expect(numberAttr(bin12, 'y') - numberAttr(bin00, 'y')).toBeCloseTo(3 * cell, 6);
    expect(numberAttr(bin12, 'x') - numberAttr(bin00, 'x')).toBeCloseTo(6 * cell, 6);
    expect(numberAttr(bin12, 'width')).toBeCloseTo(4 * cell, 6);
    expect(texts(level4)).toContain('rows [0, 4) [3, 7) [6, 10) [9, 13)');
  });

  it('follows the adaptive rule on non-square, non-divisible sizes (avg, 10×7, levels 6, 3, 2, 1)', () => {
    const picture = pyramidPicture('sppAdaptive', { levels: [6, 3, 2, 1], pool: 'avg' }, { height: 10, width: 7 });
    picture.panels.map(bins).forEach((panel, index) => {
      const n = [6, 3, 2, 1][index]!;
      expect(pairs(panel.rows)).toEqual(Array.from({ length: n }, (_, i) => adaptive(i, n, 10)));
      expect(pairs(panel.cols)).toEqual(Array.from({ length: n }, (_, i) => adaptive(i, n, 7)));
    });
    // Inputs smaller than the level still give n bins (3×3 at level 4: [0, 1) [0, 2) [1, 3) [2, 3)).
    const small = bins(pyramidPicture('sppAdaptive', { levels: [4], pool: 'max' }, { height: 3, width: 3 }).panels[0]);
    expect(pairs(small.rows)).toEqual([
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
    ]);
  });

  it("says how sppkit lowers each level (the planner's choice)", () => {
    const svg = renderPyramidSvg('sppAdaptive', { levels: [4, 2, 1], pool: 'max' }, { height: 16, width: 13 });
    const [four, two, one] = panels(svg).map((panel) => texts(panel).join(' '));
    expect(four).toContain('rows: MaxPool, kernel = stride = 4');
    expect(four).toContain('cols: 4 Slices + ReduceMax');
    expect(two).toContain("max over level 4's bins in 2×2 groups");
    expect(one).toContain("max over level 4's bins in 4×4 groups");
  });

  it('draws PSPNet pyramid pooling as adaptive average bins 1, 2, 3, 6', () => {
    const picture = pyramidPicture('pyramidPooling', {}, { height: 10, width: 10 });
    expect(picture.panels.map((panel) => panel.kind === 'bins' && panel.rows.length)).toEqual([1, 2, 3, 6]);
    expect(pairs(bins(picture.panels[3]).rows)).toEqual([
      [0, 2],
      [1, 4],
      [3, 5],
      [5, 7],
      [6, 9],
      [8, 10],
    ]);
  });

  it('refuses levels that are not positive integers with a panel saying so', () => {
    const svg = renderPyramidSvg('sppAdaptive', { levels: [4, 0], pool: 'max' }, { height: 8, width: 8 });
    const refused = byClass(parseXml(svg), 'refusal');
    expect(refused).toHaveLength(1);
    expect(texts(parseXml(svg)).join(' ')).toContain('levels[1] must be a positive integer, got 0');
  });
});

describe('renderPyramidSvg: fixed windows', () => {
  it('shows the cells sppPaper ignores (10×10 level 4: window 3, stride 2 reads rows 0..8, not row 9)', () => {
    const picture = pyramidPicture('sppPaper', { levels: [4, 2, 1] }, { height: 10, width: 10 });
    const [four, two, one] = picture.panels.map(bins);
    expect(pairs(four!.rows)).toEqual([
      [0, 3],
      [2, 5],
      [4, 7],
      [6, 9],
    ]);
    expect(four!.uncoveredRows).toEqual([9]);
    expect(four!.uncoveredCols).toEqual([9]);
    expect(pairs(two!.rows)).toEqual([
      [0, 5],
      [5, 10],
    ]);
    expect(pairs(one!.rows)).toEqual([[0, 10]]);
    expect(two!.uncoveredRows).toEqual([]);

    const level4 = panels(renderPyramidSvg('sppPaper', { levels: [4, 2, 1] }, { height: 10, width: 10 }))[0]!;
    expect(texts(level4)).toContain('read by no window: row 9; col 9');
    expect(texts(level4)).toContain('window 3, stride 2, pad 0');
  });

  it('states the reason where sppPaper refuses a level, and draws the others', () => {
    const svg = renderPyramidSvg('sppPaper', { levels: [4, 3, 2, 1] }, { height: 7, width: 7 });
    const drawn = panels(svg);
    expect(drawn.map((panel) => panel.attributes.get('class'))).toEqual([
      'panel refused',
      'panel bins',
      'panel bins',
      'panel bins',
    ]);
    // Window ceil(7/4) = 2, stride floor(7/4) = 1: (7 − 2)/1 + 1 = 6 windows, not 4.
    expect(texts(drawn[0]!).join(' ')).toContain('level 4 on height 7 gives 6 bins, not 4');
    const three = bins(pyramidPicture('sppPaper', { levels: [3] }, { height: 7, width: 7 }).panels[0]);
    expect(pairs(three.rows)).toEqual([
      [0, 3],
      [2, 5],
      [4, 7],
    ]);
    // An input smaller than the level: stride floor(3/4) = 0.
    const tiny = pyramidPicture('sppPaper', { levels: [4] }, { height: 3, width: 3 }).panels[0];
    expect(tiny?.kind === 'refused' && tiny.reason).toContain('stride floor(3/4) = 0');
  });

  it('draws the seed code’s padded windows (13×13: level 4 pads 2, level 2 pads 1) and its refusals', () => {
    const picture = pyramidPicture('sppnetCompat', { levels: [4, 2, 1] }, { height: 13, width: 13 });
    const [four, two, one] = picture.panels.map(bins);
    // k = ceil(13/4) = 4, pad = floor((16 − 13 + 1)/2) = 2.
    expect(pairs(four!.rows)).toEqual([
      [-2, 2],
      [2, 6],
      [6, 10],
      [10, 14],
    ]);
    expect(four!.padding).toEqual({ top: 2, left: 2, bottom: 1, right: 1 });
    // k = 7, pad = floor((14 − 13 + 1)/2) = 1.
    expect(pairs(two!.rows)).toEqual([
      [-1, 6],
      [6, 13],
    ]);
    expect(pairs(one!.rows)).toEqual([[0, 13]]);
    // 5×5 level 4: k = 2, pad = floor((8 − 5 + 1)/2) = 2 ≥ k, which onnxruntime rejects.
    const refused = pyramidPicture('sppnetCompat', { levels: [4, 1] }, { height: 5, width: 5 }).panels;
    expect(refused[0]?.kind === 'refused' && refused[0].reason).toContain('pad 2 >= kernel 2');
    expect(refused[1]?.kind).toBe('bins');
  });
});

describe('renderPyramidSvg: neck receptive fields', () => {
  const around = (panel: PyramidPanel | undefined): [Pair, Pair] => {
    const last = field(panel).stages.at(-1)!;
    return [
      [last.rows.start, last.rows.end],
      [last.cols.start, last.cols.end],
    ];
  };

  it('chains SPPF’s pools (5, 5∘5 = 9, 5∘5∘5 = 13) and matches SPP’s parallel 5, 9, 13', () => {
    const sppf = pyramidPicture('sppf', {}, { height: 20, width: 20 }).panels;
    const spp = pyramidPicture('ultralyticsSpp', {}, { height: 20, width: 20 }).panels;
    // Output cell (1, 1): a k-window reaches k//2 cells each way, so rows [1 − k//2, 1 + k//2 + 1).
    const expected: [Pair, Pair][] = [
      [
        [-1, 4],
        [-1, 4],
      ],
      [
        [-3, 6],
        [-3, 6],
      ],
      [
        [-5, 8],
        [-5, 8],
      ],
    ];
    expect(sppf.map(around)).toEqual(expected);
    expect(spp.map(around)).toEqual(expected);
    expect(field(sppf[2]).stages.map((stage) => stage.label)).toEqual(['5×5', '5∘5 = 9×9', '5∘5∘5 = 13×13']);
    expect(field(spp[2]).stages.map((stage) => stage.label)).toEqual(['13×13']);
    // The padding ring is as deep as the widest window reaches past the input.
    expect(field(sppf[0]).padding).toEqual({ top: 5, left: 5, bottom: 0, right: 0 });
    for (const block of ['simSppf', 'sppelan'] as const)
      expect(pyramidPicture(block, {}, { height: 20, width: 20 }).panels.map(around)).toEqual(expected);
    expect(pyramidPicture('sppcspc', {}, { height: 20, width: 20 }).panels.map(around)).toEqual(expected);
  });

  it('draws the window around a chosen cell, in cells of the same size as the grid', () => {
    const svg = renderPyramidSvg('sppf', { kernel: 3 }, { height: 12, width: 9, cell: { row: 6, col: 4 } });
    const last = panels(svg)[2]!;
    const [fieldRect] = byClass(last, 'field-window');
    // 3∘3∘3 = 7: rows [6 − 3, 6 + 4), cols [4 − 3, 4 + 4).
    expect(span(fieldRect!, 'data-rows')).toEqual([3, 10]);
    expect(span(fieldRect!, 'data-cols')).toEqual([1, 8]);
    const [cell] = byClass(last, 'output-cell');
    const size = numberAttr(cell!, 'width');
    expect(numberAttr(fieldRect!, 'height')).toBeCloseTo(7 * size, 6);
    expect(numberAttr(cell!, 'y') - numberAttr(fieldRect!, 'y')).toBeCloseTo(3 * size, 6);
    expect(numberAttr(cell!, 'x') - numberAttr(fieldRect!, 'x')).toBeCloseTo(3 * size, 6);
  });

  it('states why a neck config is refused, and refuses bad sizes, cells and block names', () => {
    const even = pyramidPicture('sppf', { kernel: 4 }, { height: 20, width: 20 }).panels;
    expect(even).toHaveLength(1);
    expect(even[0]?.kind === 'refused' && even[0].reason).toContain('odd');
    expect(() => pyramidPicture('sppf', {}, { height: 20, width: 20, cell: { row: 20, col: 0 } })).toThrow(ConfigError);
    expect(() => pyramidPicture('sppPaper', { levels: [2] }, { height: 0, width: 4 })).toThrow(ConfigError);
    expect(() => renderPyramidSvg('maxPool' as 'sppf', {}, { height: 4, width: 4 })).toThrow(
      /no pyramid picture for block 'maxPool'/,
    );
  });
});
