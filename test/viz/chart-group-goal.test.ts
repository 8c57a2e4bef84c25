/**
 * The chart options added for `sppkit bench --svg`: a goal of one group (drawn across that group only, at its
 * value on the axis) and a least group width (bars centred in it), and an axis label wider than the plot.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/ir/errors.js';
import { renderBarChartSvg, type BarChartData } from '../../src/viz/chart-svg.js';
import { allElements, byClass, numberAttr, parseXml, type XmlElement } from './xml.js';

const DATA: BarChartData = {
  title: 'reference / onnxruntime',
  unit: 'time ratio',
  goal: 1,
  groups: [
    { label: 'MaxPool', bars: [{ label: 'ref', value: 1 }] },
    { label: 'SPPF chain', bars: [{ label: 'ref', value: 2 }], goal: 3 },
    { label: 'Conv', bars: [{ label: 'ref', value: 4 }], goal: 10 },
  ],
};

function rectOf(bar: XmlElement): XmlElement {
  const rect = allElements(bar).find((e) => e.name === 'rect');
  if (rect === undefined) throw new Error('bar without a rect');
  return rect;
}

function lineOf(group: XmlElement): XmlElement {
  const line = allElements(group).find((e) => e.name === 'line');
  if (line === undefined) throw new Error('goal without a line');
  return line;
}

describe('renderBarChartSvg group goals and widths', () => {
  it('draws a group goal across its own group only, at its value on the axis', () => {
    const root = parseXml(renderBarChartSvg(DATA));
    const goals = byClass(root, 'group-goal');
    expect(goals.map((g) => Number(g.attributes.get('data-value')))).toEqual([3, 10]);
    const bars = byClass(root, 'bar').map(rectOf);
    const [, sppf, conv] = bars;
    // Linear axis: the value-1 bar's height is one unit; the goal 3 line is three units above the baseline.
    const unit = numberAttr(bars[0]!, 'height');
    const baseline = numberAttr(sppf!, 'y') + numberAttr(sppf!, 'height');
    expect(baseline - numberAttr(lineOf(goals[0]!), 'y1')).toBeCloseTo(3 * unit, 1);
    expect(baseline - numberAttr(lineOf(goals[1]!), 'y1')).toBeCloseTo(10 * unit, 1);
    // Each line spans its group's bar (and a little more), never the neighbour's.
    for (const [goal, bar] of [
      [goals[0]!, sppf!],
      [goals[1]!, conv!],
    ] as const) {
      const line = lineOf(goal);
      const left = numberAttr(bar, 'x');
      const right = left + numberAttr(bar, 'width');
      expect(numberAttr(line, 'x1')).toBeLessThanOrEqual(left);
      expect(numberAttr(line, 'x2')).toBeGreaterThanOrEqual(right);
      expect(numberAttr(line, 'x2') - numberAttr(line, 'x1')).toBeLessThan(2 * (right - left));
    }
  });

  it('widens groups to the least width asked for, bars centred', () => {
    const narrow = byClass(parseXml(renderBarChartSvg(DATA)), 'bar').map(rectOf);
    const wide = byClass(parseXml(renderBarChartSvg(DATA, { minGroupWidth: 120 })), 'bar').map(rectOf);
    const x = (rects: XmlElement[]): number[] => rects.map((r) => numberAttr(r, 'x'));
    const steps = (xs: number[]): number[] => xs.slice(1).map((v, i) => v - (xs[i] ?? 0));
    // One bar per group: bar starts step by group width + the gap between groups.
    const narrowStep = steps(x(narrow))[0]!;
    expect(steps(x(wide))).toEqual([narrowStep + 120 - numberAttr(narrow[0]!, 'width'), expect.any(Number)]);
    expect(steps(x(wide))[1]).toBeCloseTo(steps(x(wide))[0]!, 5);
  });

  it('refuses a group goal that cannot be drawn', () => {
    const bad = { ...DATA, groups: [{ label: 'a', bars: [{ label: 'x', value: 1 }], goal: Number.NaN }] };
    expect(() => renderBarChartSvg(bad)).toThrow(ConfigError);
    const zero = { ...DATA, groups: [{ label: 'a', bars: [{ label: 'x', value: 1 }], goal: 0 }] };
    expect(() => renderBarChartSvg(zero, { scale: 'log' })).toThrow(/positive/);
  });

  it('keeps an axis label wider than the plot inside the picture', () => {
    const label = 'a footnote much longer than the plot of a single narrow group, measured on a loaded machine';
    const svg = renderBarChartSvg({ title: 't', unit: 'u', groupAxisLabel: label, groups: [DATA.groups[0]!] });
    const root = parseXml(svg);
    const width = numberAttr(root, 'width');
    const text = allElements(root).find((e) => e.name === 'text' && e.children.includes(label))!;
    const halfWidth = (label.length * 11 * 0.62) / 2;
    expect(numberAttr(text, 'x') - halfWidth).toBeGreaterThanOrEqual(0);
    expect(numberAttr(text, 'x') + halfWidth).toBeLessThanOrEqual(width);
  });
});
