/**
 * Bar charts of benchmark ratios: one bar per figure with its value written on it, bar heights proportional to the
 * values on a linear axis (and to their logarithms on a log axis), the goal line where the goal is, missing
 * figures marked, text escaped, bad data refused.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/ir/errors.js';
import { renderBarChartSvg, type BarChartData } from '../../src/viz/chart-svg.js';
import { allElements, byClass, numberAttr, parseXml, textOf, texts, type XmlElement } from './xml.js';

const DATA: BarChartData = {
  title: 'sppkit / onnxruntime <time> & "ratio"',
  unit: 'time ratio (lower is better)',
  goal: 1,
  groups: [
    {
      label: '256×13×13',
      bars: [
        { label: 'ort-cpu', value: 1.5 },
        { label: 'web-wasm', value: 0.5 },
      ],
    },
    {
      label: '512×20×20',
      bars: [
        { label: 'ort-cpu', value: 2 },
        { label: 'web-wasm', value: null },
      ],
    },
  ],
};

function rectOf(bar: XmlElement): XmlElement {
  const rect = allElements(bar).find((e) => e.name === 'rect');
  if (rect === undefined) throw new Error('bar without a rect');
  return rect;
}

describe('renderBarChartSvg', () => {
  it('draws one bar per figure, heights proportional to the values, the goal line at the goal', () => {
    const root = parseXml(renderBarChartSvg(DATA));
    const bars = byClass(root, 'bar');
    expect(bars.map((bar) => [bar.attributes.get('data-series'), Number(bar.attributes.get('data-value'))])).toEqual([
      ['ort-cpu', 1.5],
      ['web-wasm', 0.5],
      ['ort-cpu', 2],
    ]);
    // Linear axis: height / value is the same for every bar, and every bar stands on one baseline.
    const perUnit = bars.map((bar) => numberAttr(rectOf(bar), 'height') / Number(bar.attributes.get('data-value')));
    for (const ratio of perUnit) expect(ratio).toBeCloseTo(perUnit[0]!, 1);
    const baseline = numberAttr(rectOf(bars[0]!), 'y') + numberAttr(rectOf(bars[0]!), 'height');
    for (const bar of bars)
      expect(numberAttr(rectOf(bar), 'y') + numberAttr(rectOf(bar), 'height')).toBeCloseTo(baseline, 1);
    // The goal (1.0) sits one unit above the baseline.
    const [goal] = byClass(root, 'goal');
    const line = allElements(goal!).find((e) => e.name === 'line')!;
    expect(baseline - numberAttr(line, 'y1')).toBeCloseTo(perUnit[0]!, 1);
    // Values on the bars, the missing one marked, labels and legend present, text escaped and decoded back.
    const values = byClass(root, 'value').map((e) => textOf(e));
    expect(values).toEqual(['1.5', '0.5', '2']);
    expect(byClass(root, 'missing')).toHaveLength(1);
    const all = texts(root);
    expect(all).toEqual(expect.arrayContaining(['256×13×13', '512×20×20', 'ort-cpu', 'web-wasm', 'goal 1']));
    expect(all).toContain('sppkit / onnxruntime <time> & "ratio"');
    expect(all).toContain('time ratio (lower is better)');
  });

  it('gives each series one colour across groups', () => {
    const root = parseXml(renderBarChartSvg(DATA));
    const fill = (series: string): string[] =>
      byClass(root, 'bar')
        .filter((bar) => bar.attributes.get('data-series') === series)
        .map((bar) => rectOf(bar).attributes.get('fill') ?? '');
    expect(new Set(fill('ort-cpu')).size).toBe(1);
    expect(fill('ort-cpu')[0]).not.toBe(fill('web-wasm')[0]);
  });

  it('on a log axis, heights above the base follow log10 of the values', () => {
    const data: BarChartData = {
      title: 'log',
      unit: 'ratio',
      goal: 1,
      groups: [
        {
          label: 'a',
          bars: [
            { label: 'x', value: 0.1 },
            { label: 'y', value: 10 },
          ],
        },
        { label: 'b', bars: [{ label: 'x', value: 1000 }] },
      ],
    };
    const root = parseXml(renderBarChartSvg(data, { scale: 'log' }));
    const tops = byClass(root, 'bar').map((bar) => numberAttr(rectOf(bar), 'y'));
    // 0.1 → 10 is two decades, 10 → 1000 two more: equal steps in y.
    expect(tops[0]! - tops[1]!).toBeCloseTo(tops[1]! - tops[2]!, 1);
    const [goal] = byClass(root, 'goal');
    const goalY = numberAttr(
      allElements(goal!).find((e) => e.name === 'line')!,
      'y1',
    );
    // 1 is one decade above 0.1: half way between the 0.1 and 10 bars' tops.
    expect(goalY).toBeCloseTo((tops[0]! + tops[1]!) / 2, 1);
  });

  it('refuses a chart without groups, a group without bars and a goal that cannot be drawn', () => {
    expect(() => renderBarChartSvg({ ...DATA, groups: [] })).toThrow(ConfigError);
    expect(() => renderBarChartSvg({ ...DATA, groups: [{ label: 'empty', bars: [] }] })).toThrow(
      /group 'empty' has no bars/,
    );
    expect(() => renderBarChartSvg({ ...DATA, goal: Number.NaN })).toThrow(ConfigError);
    expect(() => renderBarChartSvg({ ...DATA, goal: 0 }, { scale: 'log' })).toThrow(/positive/);
  });
});
