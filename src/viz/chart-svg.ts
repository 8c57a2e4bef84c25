/**
 * `renderBarChartSvg(data)`: benchmark figures as grouped bars — one group per case (a model, a size), one bar per
 * series (a backend, a variant), each bar labelled with its value — with a dashed reference line at the goal
 * (e.g. a ratio of 1.0 against a peer) and labelled axes. The data is a plain typed structure, so any harness
 * can fill it in.
 */
import { ConfigError } from '../ir/errors.js';
import { element, svgDocument, textElement, textWidth, titleElement, truncate, wrapText } from './svg.js';

/** One bar: a series label and its value (`null` or a non-finite number: no figure, drawn as `n/a`). */
export interface ChartBar {
  readonly label: string;
  readonly value: number | null;
}

/** A group of bars side by side (a case). */
export interface ChartGroup {
  readonly label: string;
  readonly bars: readonly ChartBar[];
  /**
   * A goal of this group alone (e.g. a per-case target ratio), drawn as a dashed line across the group without
   * text (the line would cross the bars' labels): say it in the group's label.
   */
  readonly goal?: number;
}

/** What a bar chart shows. */
export interface BarChartData {
  readonly title: string;
  /** The value axis label, e.g. `time ratio sppkit / onnxruntime (lower is better)`. */
  readonly unit: string;
  /** Where to draw the reference line (e.g. 1 for parity with the peer). */
  readonly goal?: number;
  /** Text beside the reference line (default `goal <value>`). */
  readonly goalLabel?: string;
  /** The category axis label (default none). */
  readonly groupAxisLabel?: string;
  readonly groups: readonly ChartGroup[];
}

/** Options of `renderBarChartSvg`. */
export interface BarChartOptions {
  /** Linear (default) or logarithmic value axis (for ratios spanning decades; non-positive values are `n/a`). */
  readonly scale?: 'linear' | 'log';
  /** Height of the plot area in pixels (default 320). */
  readonly plotHeight?: number;
  /** Least width of a group in pixels, for long group labels (default: as wide as its bars); bars are centred. */
  readonly minGroupWidth?: number;
}

/** Series colours, in order of first appearance (colour-blind-safe Okabe–Ito palette). */
const SERIES_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
const FONT = 11;
const TITLE_FONT = 15;
const MARGIN = 20;
const BAR_WIDTH = 26;
const BAR_GAP = 8;
const GROUP_GAP = 28;

/** A value as short text: 3 significant digits, no exponent for everyday magnitudes. */
export function formatChartValue(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(3)));
}

/** `step` rounded up to 1, 2 or 5 times a power of ten. */
function niceStep(step: number): number {
  const power = 10 ** Math.floor(Math.log10(step));
  const fraction = step / power;
  return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
}

/** A value axis: where a value goes (0 at the top of the plot, `plotHeight` at the bottom) and its ticks. */
interface Axis {
  readonly at: (value: number) => number;
  readonly ticks: readonly number[];
  readonly base: number;
}

function linearAxis(values: readonly number[], plotHeight: number): Axis {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const span = high - low || 1;
  const step = niceStep(span / 5);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil((high + span * 0.08) / step) * step;
  const ticks: number[] = [];
  for (let k = Math.round(min / step); k * step <= max + step / 2; k += 1)
    ticks.push(Number((k * step).toPrecision(12)));
  const at = (value: number): number => plotHeight - ((value - min) / (max - min)) * plotHeight;
  return { at, ticks, base: 0 };
}

function logAxis(values: readonly number[], plotHeight: number): Axis {
  const positive = values.filter((v) => v > 0);
  const low = Math.floor(Math.log10(Math.min(...positive, 1)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(...positive, 1) * 1.3)));
  const ticks: number[] = [];
  for (let p = low; p <= high; p += 1)
    for (const m of [1, 2, 5]) if (p < high || m === 1) ticks.push(Number((m * 10 ** p).toPrecision(12)));
  const at = (value: number): number => plotHeight - ((Math.log10(value) - low) / (high - low)) * plotHeight;
  return { at, ticks, base: 10 ** low };
}

const isFigure = (value: number | null): value is number => value !== null && Number.isFinite(value);

/** A group's own goal: a dashed line across the group, a little wider than its bars. */
function groupGoal(goal: number, left: number, width: number, y: number): string {
  const overhang = GROUP_GAP / 3;
  return element(
    'g',
    { class: 'group-goal', 'data-value': String(goal) },
    titleElement(`goal ${formatChartValue(goal)}`) +
      element('line', {
        x1: left - overhang,
        x2: left + width + overhang,
        y1: y,
        y2: y,
        stroke: '#c62828',
        'stroke-width': 1.5,
        'stroke-dasharray': '6 4',
      }),
  );
}

/**
 * Draws grouped bars as an SVG document (a string). Every text is escaped. Throws ConfigError when there is no
 * group, a group has no bar, or the goal is not a finite number (or not positive on a log axis).
 */
export function renderBarChartSvg(data: BarChartData, options: BarChartOptions = {}): string {
  if (data.groups.length === 0) throw new ConfigError(`bar chart '${data.title}': no groups to draw`);
  const empty = data.groups.find((group) => group.bars.length === 0);
  if (empty !== undefined) throw new ConfigError(`bar chart '${data.title}': group '${empty.label}' has no bars`);
  const scale = options.scale ?? 'linear';
  const goals = [data.goal, ...data.groups.map((group) => group.goal)].filter((g) => g !== undefined);
  const badGoal = goals.find((goal) => !Number.isFinite(goal) || (scale === 'log' && goal <= 0));
  if (badGoal !== undefined)
    throw new ConfigError(
      `bar chart '${data.title}': goal must be a finite${scale === 'log' ? ' positive' : ''} number, got ${badGoal}`,
    );
  const plotHeight = options.plotHeight ?? 320;
  const series = [...new Set(data.groups.flatMap((group) => group.bars.map((bar) => bar.label)))];
  const colour = (label: string): string => SERIES_COLOURS[series.indexOf(label) % SERIES_COLOURS.length] ?? '#0072b2';
  const shown = (value: number | null): value is number => isFigure(value) && (scale === 'linear' || value > 0);
  const values = [...data.groups.flatMap((g) => g.bars.map((b) => b.value).filter(shown)), ...goals];
  const axis = scale === 'log' ? logAxis(values, plotHeight) : linearAxis(values, plotHeight);

  const barsWidth = (group: ChartGroup): number => group.bars.length * (BAR_WIDTH + BAR_GAP) - BAR_GAP;
  const groupWidths = data.groups.map((group) => Math.max(barsWidth(group), options.minGroupWidth ?? 0));
  const tickLabels = axis.ticks.map(formatChartValue);
  const plotLeft = MARGIN + FONT * 1.6 + Math.max(...tickLabels.map((t) => textWidth(t, FONT))) + 8;
  const plotWidth = groupWidths.reduce((sum, w) => sum + w + GROUP_GAP, GROUP_GAP);
  // The legend: one row of swatches under the title, wrapping when wide.
  const legendItems: { label: string; x: number; row: number }[] = [];
  const legendRight = Math.max(plotLeft + plotWidth, 480);
  let legendX = plotLeft;
  let legendRow = 0;
  for (const label of series) {
    const itemWidth = textWidth(label, FONT) + 34;
    if (legendX > plotLeft && legendX + itemWidth > legendRight) {
      legendX = plotLeft;
      legendRow += 1;
    }
    legendItems.push({ label, x: legendX, row: legendRow });
    legendX += itemWidth;
  }
  const legendTop = MARGIN + TITLE_FONT + 12;
  const plotTop = legendTop + (legendRow + 1) * (FONT + 9) + 14;
  const parts: string[] = [];
  parts.push(
    textElement(data.title, {
      x: MARGIN,
      y: MARGIN,
      'font-size': TITLE_FONT,
      'font-weight': 'bold',
      'dominant-baseline': 'hanging',
    }),
  );
  // Grid lines and tick labels.
  axis.ticks.forEach((tick, k) => {
    const y = plotTop + axis.at(tick);
    parts.push(
      element('line', { x1: plotLeft, x2: plotLeft + plotWidth, y1: y, y2: y, stroke: '#e3e3e3', 'stroke-width': 1 }),
    );
    parts.push(
      textElement(tickLabels[k] ?? '', {
        x: plotLeft - 6,
        y,
        'font-size': FONT,
        fill: '#555555',
        'text-anchor': 'end',
        'dominant-baseline': 'central',
      }),
    );
  });
  const unitX = MARGIN + FONT * 0.6;
  const unitY = plotTop + plotHeight / 2;
  parts.push(
    textElement(truncate(data.unit, Math.floor(plotHeight / (FONT * 0.62)), true), {
      x: unitX,
      y: unitY,
      'font-size': FONT,
      fill: '#333333',
      'text-anchor': 'middle',
      'dominant-baseline': 'central',
      transform: `rotate(-90 ${unitX} ${unitY})`,
    }),
  );
  // Bars; their values go in a layer of their own, over the reference line.
  const valueLabels: string[] = [];
  const baseY = plotTop + axis.at(scale === 'log' ? axis.base : 0);
  let x = plotLeft + GROUP_GAP;
  let labelRows = 1;
  const groupGoals: string[] = [];
  data.groups.forEach((group, g) => {
    const width = groupWidths[g] ?? 0;
    const bars = group.bars.map((bar, b) => {
      const left = x + (width - barsWidth(group)) / 2 + b * (BAR_WIDTH + BAR_GAP);
      const centre = left + BAR_WIDTH / 2;
      if (!shown(bar.value)) {
        return textElement('n/a', {
          x: centre,
          y: baseY - 4,
          'font-size': FONT - 2,
          fill: '#999999',
          'text-anchor': 'middle',
          class: 'missing',
        });
      }
      const top = plotTop + axis.at(bar.value);
      const y = Math.min(top, baseY);
      const valueText = formatChartValue(bar.value);
      const fits = textWidth(valueText, FONT - 1) <= BAR_WIDTH + BAR_GAP;
      const labelY = bar.value >= 0 ? y - 4 : y + Math.abs(top - baseY) + 4;
      // A white halo keeps a value readable where it crosses the reference line or a grid line.
      const halo = { stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke', 'data-series': bar.label };
      const label = fits
        ? textElement(valueText, {
            ...halo,
            x: centre,
            y: labelY,
            'font-size': FONT - 1,
            fill: '#222222',
            'text-anchor': 'middle',
            'dominant-baseline': bar.value >= 0 ? 'auto' : 'hanging',
            class: 'value',
          })
        : textElement(valueText, {
            ...halo,
            x: centre,
            y: labelY,
            'font-size': FONT - 1,
            fill: '#222222',
            'text-anchor': bar.value >= 0 ? 'start' : 'end',
            'dominant-baseline': 'central',
            transform: `rotate(-90 ${centre} ${labelY})`,
            class: 'value',
          });
      valueLabels.push(label);
      return element(
        'g',
        { class: 'bar', 'data-series': bar.label, 'data-value': String(bar.value) },
        titleElement(`${group.label} — ${bar.label}: ${valueText}`) +
          element('rect', {
            x: left,
            y,
            width: BAR_WIDTH,
            height: Math.max(0.5, Math.abs(top - baseY)),
            fill: colour(bar.label),
          }),
      );
    });
    const lines = wrapText(group.label, Math.max(6, Math.floor((width + GROUP_GAP - 4) / (FONT * 0.62)))).slice(0, 3);
    labelRows = Math.max(labelRows, lines.length);
    const groupLabel = lines
      .map((line, k) =>
        textElement(line, {
          x: x + width / 2,
          y: plotTop + plotHeight + 8 + k * (FONT + 3),
          'font-size': FONT,
          fill: '#222222',
          'text-anchor': 'middle',
          'dominant-baseline': 'hanging',
        }),
      )
      .join('');
    parts.push(element('g', { class: 'group', 'data-group': group.label }, bars.join('') + groupLabel));
    if (group.goal !== undefined) groupGoals.push(groupGoal(group.goal, x, width, plotTop + axis.at(group.goal)));
    x += width + GROUP_GAP;
  });
  // Axes: the baseline and the value axis.
  parts.push(
    element('line', {
      x1: plotLeft,
      x2: plotLeft + plotWidth,
      y1: baseY,
      y2: baseY,
      stroke: '#333333',
      'stroke-width': 1.2,
    }),
  );
  parts.push(
    element('line', {
      x1: plotLeft,
      x2: plotLeft,
      y1: plotTop,
      y2: plotTop + plotHeight,
      stroke: '#333333',
      'stroke-width': 1.2,
    }),
  );
  if (data.goal !== undefined) {
    const y = plotTop + axis.at(data.goal);
    const text = data.goalLabel ?? `goal ${formatChartValue(data.goal)}`;
    parts.push(
      element(
        'g',
        { class: 'goal', 'data-value': String(data.goal) },
        element('line', {
          x1: plotLeft,
          x2: plotLeft + plotWidth,
          y1: y,
          y2: y,
          stroke: '#c62828',
          'stroke-width': 1.5,
          'stroke-dasharray': '6 4',
        }) +
          textElement(text, {
            x: plotLeft + plotWidth + 6,
            y,
            'font-size': FONT,
            fill: '#c62828',
            'dominant-baseline': 'central',
          }),
      ),
    );
  }
  parts.push(...groupGoals);
  parts.push(element('g', { class: 'values' }, valueLabels.join('')));
  for (const item of legendItems) {
    const y = legendTop + item.row * (FONT + 9);
    parts.push(
      element(
        'g',
        { class: 'legend' },
        element('rect', { x: item.x, y, width: 12, height: 12, fill: colour(item.label) }) +
          textElement(item.label, { x: item.x + 18, y: y + 6, 'font-size': FONT, 'dominant-baseline': 'central' }),
      ),
    );
  }
  const bottom = plotTop + plotHeight + 8 + labelRows * (FONT + 3);
  // Centred under the plot, but never past the left edge when it is wider than the plot.
  const axisLabelWidth = data.groupAxisLabel === undefined ? 0 : textWidth(data.groupAxisLabel, FONT);
  const axisLabelX = Math.max(plotLeft + plotWidth / 2, MARGIN + axisLabelWidth / 2);
  const axisLabel =
    data.groupAxisLabel === undefined
      ? ''
      : textElement(data.groupAxisLabel, {
          x: axisLabelX,
          y: bottom + 6,
          'font-size': FONT,
          fill: '#333333',
          'text-anchor': 'middle',
          'dominant-baseline': 'hanging',
        });
  const goalText = data.goal === undefined ? '' : (data.goalLabel ?? `goal ${formatChartValue(data.goal)}`);
  const width = Math.max(
    plotLeft + plotWidth + 10 + textWidth(goalText, FONT) + MARGIN,
    legendRight + MARGIN,
    textWidth(data.title, TITLE_FONT) + 2 * MARGIN,
    axisLabelX + axisLabelWidth / 2 + MARGIN,
  );
  return svgDocument(width, bottom + (axisLabel === '' ? 0 : FONT + 10) + MARGIN, parts.join('') + axisLabel);
}
