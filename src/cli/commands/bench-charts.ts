/**
 * `sppkit bench --svg`: a benchmark's figures as bar charts, derived from its JSON report alone (the tables'
 * medians, the figures and the goals), so a chart always shows what the run printed.
 *
 * - Timing tables become time ratios against each table's baseline (the peer the table compares with), one group
 *   per table; a goal whose name names the table (`ops SPPF chain reference / ORT` for the table `SPPF chain ...`)
 *   is drawn across that group.
 * - `spp` is drawn as two charts: dynamic / static per size (goal 1.5×), and dynamic / each PyTorch export.
 * - `io`'s `speed ratio:` and `peak over baseline:` figures become a speed chart and a memory chart with their goals.
 * - Figures placed in a chart (`chart`, `case`, `series`; `backends` records its times so) become grouped bars.
 *
 * Several charts of one benchmark are stacked in one SVG document.
 */
import { formatChartValue, renderBarChartSvg, type BarChartData, type BarChartOptions } from '../../viz/index.js';
import type { BenchReport, ReportBench, ReportGoal, ReportHost, ReportTable } from './bench-report.js';

/** One chart: its data and drawing options. */
export interface BenchChart {
  readonly data: BarChartData;
  readonly options: BarChartOptions;
}

/** Where and when the figures were measured, as the charts' footnote. */
function footnote(report: BenchReport): string {
  const host: ReportHost = report.host ?? {};
  const parts = [
    report.generatedAt === undefined ? undefined : `measured ${report.generatedAt.slice(0, 10)}`,
    host.cpus === undefined ? undefined : `${host.cpus} CPUs`,
    host.load === undefined ? undefined : `load ${host.load.toFixed(1)}`,
    host.node === undefined ? undefined : `Node ${host.node}`,
  ].filter((part) => part !== undefined);
  return parts.join(', ');
}

/** Log scale when the values span more than this factor. */
const LOG_SPAN = 30;
/** Group labels wrap to at most this many lines under the bars. */
const LABEL_LINES = 3;
/** Pixels per character of a group label (11 px monospace), and the widest a group gets for its label. */
const LABEL_CHAR_PX = 7;
const MAX_LABEL_GROUP_PX = 170;

/** Options for a chart: wide enough groups for their labels, and a log axis for values spanning decades. */
function optionsFor(data: BarChartData, log: 'auto' | 'always'): BarChartOptions {
  // Wide enough for the label in LABEL_LINES lines, and for its longest word on one line.
  const columns = Math.max(
    ...data.groups.map((g) => Math.max(g.label.length / LABEL_LINES, ...g.label.split(' ').map((w) => w.length))),
  );
  const minGroupWidth = Math.min(MAX_LABEL_GROUP_PX, Math.ceil(columns + 2) * LABEL_CHAR_PX);
  const values = data.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v): v is number => v !== null);
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const span = positive.length === 0 ? 1 : Math.max(...positive) / Math.min(...positive);
  const logScale = positive.length === values.length && positive.length > 0 && (log === 'always' || span > LOG_SPAN);
  return { minGroupWidth, ...(logScale ? { scale: 'log' } : {}) };
}

function chart(data: BarChartData, log: 'auto' | 'always' = 'auto'): BenchChart {
  return { data, options: optionsFor(data, log) };
}

function median(table: ReportTable, name: string): number | null {
  return table.timings.find((t) => t.name === name)?.medianMs ?? null;
}

function ratio(over: number | null, under: number | null): number | null {
  return over === null || under === null || under === 0 ? null : over / under;
}

function goalText(goal: ReportGoal): string {
  return `goal ${goal.direction === 'at-least' ? '≥' : '≤'}${formatChartValue(goal.target)}${goal.unit}`;
}

/** The goal that names a table: its name contains the table title's first two words (`SPPF chain`). */
function goalOfTable(bench: ReportBench, table: ReportTable): ReportGoal | undefined {
  const key = table.title.split(' ').slice(0, 2).join(' ');
  return bench.goals.find((goal) => goal.name.includes(key));
}

/** A table title without its shape details: the text before ` (` or `, [` (`SPPF chain`, `MaxPool k5 s1 p2`). */
function shortTitle(table: ReportTable): string {
  return table.title.split(/ \(|, \[/)[0] ?? table.title;
}

/**
 * Every table as a group: each variant's median over the baseline's (the peer). A goal naming the table is drawn
 * across its group and said in its label.
 */
function tableRatios(bench: ReportBench, label: (table: ReportTable) => string, what: string): BenchChart[] {
  if (bench.tables.length === 0) return [];
  const baselines = [...new Set(bench.tables.map((t) => t.baseline))];
  const baseline = baselines.length === 1 ? (baselines[0] ?? 'baseline') : 'baseline';
  const data: BarChartData = {
    title: `bench ${bench.name}: ${what}`,
    unit: 'time ratio to the baseline (lower is better)',
    goal: 1,
    goalLabel: `= ${baseline}`,
    groups: bench.tables.map((table) => {
      const goal = goalOfTable(bench, table);
      return {
        label: `${label(table)}${goal === undefined ? '' : ` (${goalText(goal)})`}`,
        bars: table.timings
          .filter((t) => t.name !== table.baseline)
          .map((t) => ({
            label: baselines.length === 1 ? t.name : `${t.name} / ${table.baseline}`,
            value: ratio(t.medianMs, median(table, table.baseline)),
          })),
        ...(goal === undefined ? {} : { goal: goal.target }),
      };
    }),
  };
  return data.groups.every((g) => g.bars.length > 0) ? [chart(data)] : [];
}

const SPP_TITLE = /^(max|avg) pooling, levels ([\d,]+), (\d+×\d+)$/;

/** `spp`: dynamic / static per size and pyramid; dynamic / each PyTorch export where there is one. */
function sppCharts(bench: ReportBench, note: string): BenchChart[] {
  const cases = bench.tables.flatMap((table) => {
    const match = SPP_TITLE.exec(table.title);
    const dynamic = table.timings.find((t) => t.name.startsWith('dynamic'));
    if (match === null || dynamic === undefined) return [];
    return [{ table, series: `${match[1]} ${match[2]}`, size: match[3] ?? '', dynamic }];
  });
  if (cases.length === 0) return tableRatios(bench, (t) => t.title, 'variants against the baseline');
  const sizes = [...new Set(cases.map((c) => c.size))];
  const staticGoal = bench.goals.find((goal) => goal.name.includes('static') && !goal.name.includes('PyTorch'));
  const charts: BenchChart[] = [
    chart({
      title: `bench spp: dynamic sppAdaptive (one model, any H×W) vs the static form built for each size`,
      unit: 'time ratio dynamic / static (lower is better)',
      groupAxisLabel: `input size (256 channels), pool and levels by colour; ${note}`,
      ...(staticGoal === undefined ? {} : { goal: staticGoal.target, goalLabel: goalText(staticGoal) }),
      groups: sizes.map((size) => ({
        label: size,
        bars: cases
          .filter((c) => c.size === size)
          .map((c) => ({ label: c.series, value: ratio(c.dynamic.medianMs, median(c.table, c.table.baseline)) })),
      })),
    }),
  ];
  const torchGoal = bench.goals.find((goal) => goal.name.includes('PyTorch'));
  const withTorch = cases.filter((c) => c.table.timings.some((t) => t.name.startsWith('PyTorch')));
  if (withTorch.length > 0)
    charts.push(
      chart({
        title: "bench spp: dynamic sppAdaptive vs PyTorch's ONNX exports of adaptive pooling",
        unit: 'time ratio sppkit / PyTorch (lower is better)',
        groupAxisLabel: `PyTorch exports (levels 4,2,1, 256 channels); ${note}`,
        goal: torchGoal?.target ?? 1,
        goalLabel: torchGoal === undefined ? '= PyTorch' : goalText(torchGoal),
        groups: withTorch.map((c) => ({
          label: `${c.series}, ${c.size}`,
          bars: c.table.timings
            .filter((t) => t.name.startsWith('PyTorch'))
            .map((t) => ({
              label: t.name.replace(/^PyTorch /, '').replace(/ export$/, ''),
              value: ratio(c.dynamic.medianMs, t.medianMs),
            })),
        })),
      }),
    );
  return charts;
}

const TRANSFORM_TITLE = /^ort-cpu, (\d+) thread\(s\), SPP (\d+) channels (\d+×\d+)/;

function transformLabel(table: ReportTable): string {
  const match = TRANSFORM_TITLE.exec(table.title);
  if (match === null) return table.title;
  const threads = match[1] === '1' ? '1 thread' : `${match[1] ?? '?'} threads`;
  return `${match[2] ?? '?'} ch ${match[3] ?? '?'} ${threads}`;
}

/** Figures named `<prefix><who> <what>` as groups of bars; `series` tells sppkit's from the peer's. */
function prefixedFigures(
  bench: ReportBench,
  prefix: string,
  split: (rest: string) => { group: string; series: string },
): { label: string; bars: { label: string; value: number | null }[] }[] {
  const groups = new Map<string, { label: string; value: number | null }[]>();
  for (const figure of bench.figures) {
    if (!figure.name.startsWith(prefix)) continue;
    const { group, series } = split(figure.name.slice(prefix.length));
    const value = typeof figure.value === 'number' ? figure.value : null;
    groups.set(group, [...(groups.get(group) ?? []), { label: series, value }]);
  }
  return [...groups].map(([label, bars]) => ({ label, bars }));
}

/** `io`: Python / sppkit speed ratios (goal 10×) and peak memory over the model size (goal 1.3×). */
function ioCharts(bench: ReportBench, note: string): BenchChart[] {
  const charts: BenchChart[] = [];
  const bytes = bench.figures.find((f) => f.name === 'modelBytes')?.value;
  const model = typeof bytes === 'number' ? ` (${(bytes / 1e6).toFixed(0)} MB SPPF model)` : '';
  const speed = prefixedFigures(bench, 'speed ratio: ', (rest) => {
    const [theirs = rest, ours = rest] = rest.split(' / ');
    return { group: `${ours.replace(/^sppkit /, '')} vs ${theirs.replace(/^Python /, '')}`, series: 'Python / sppkit' };
  });
  const speedGoal = bench.goals.find((goal) => goal.name.startsWith('io-speed'));
  if (speed.length > 0)
    charts.push(
      chart({
        title: `bench io: sppkit vs Python onnx, model bytes ↔ IR${model}`,
        unit: 'Python time / sppkit time (higher is better)',
        groupAxisLabel: note,
        ...(speedGoal === undefined ? {} : { goal: speedGoal.target, goalLabel: goalText(speedGoal) }),
        groups: speed,
      }),
    );
  const memory = prefixedFigures(bench, 'peak over baseline: ', (rest) => {
    const python = rest.startsWith('Python ');
    const operation = rest.replace(/^(Python|sppkit) /, '');
    // Python's parse+serialize is the peer of sppkit's decode+encode (bytes in memory, no files).
    const group = operation === 'parse+serialize' || operation === 'decode+encode' ? 'decode+encode' : operation;
    return { group, series: python ? 'Python onnx' : 'sppkit' };
  });
  const memoryGoal = bench.goals.find((goal) => goal.name.startsWith('io-memory'));
  if (memory.length > 0)
    charts.push(
      chart({
        title: `bench io: peak resident memory over the baseline${model}`,
        unit: 'peak over baseline / model (lower is better)',
        groupAxisLabel: note,
        ...(memoryGoal === undefined ? {} : { goal: memoryGoal.target, goalLabel: goalText(memoryGoal) }),
        groups: memory,
      }),
    );
  return charts;
}

/** Figures placed with `chart`/`case`/`series` (bench backends): one chart per `chart`, a group per case. */
function placedFigures(bench: ReportBench, note: string): BenchChart[] {
  type Bars = { label: string; value: number | null }[];
  const charts = new Map<string, { unit: string; groups: Map<string, Bars> }>();
  for (const f of bench.figures) {
    if (f.chart === undefined || f.case === undefined || f.series === undefined) continue;
    const entry = charts.get(f.chart) ?? { unit: f.unit, groups: new Map<string, Bars>() };
    charts.set(f.chart, entry);
    const value = typeof f.value === 'number' ? f.value : null;
    entry.groups.set(f.case, [...(entry.groups.get(f.case) ?? []), { label: f.series, value }]);
  }
  return [...charts].map(([title, { unit, groups }]) => {
    const data: BarChartData = {
      title: `bench ${bench.name}: ${title}`,
      unit: `${title}${unit === '' ? '' : ` (${unit})`}, lower is better`,
      groupAxisLabel: `n/a: not available here; ${note}`,
      groups: [...groups].map(([label, bars]) => ({ label, bars })),
    };
    // Backends differ by orders of magnitude (the reference vs onnxruntime): logarithmic when it can be.
    return chart(data, 'always');
  });
}

/** The charts of one benchmark of a report (empty when it recorded nothing chartable). */
export function benchCharts(report: BenchReport, bench: ReportBench): BenchChart[] {
  const note = footnote(report);
  const specific =
    bench.name === 'spp'
      ? sppCharts(bench, note)
      : bench.name === 'io'
        ? ioCharts(bench, note)
        : bench.name === 'transform'
          ? tableRatios(bench, transformLabel, 'rewritten PyTorch SPP vs the original export, onnxruntime CPU')
          : tableRatios(
              bench,
              shortTitle,
              bench.name === 'ops' ? "sppkit's reference kernels vs onnxruntime CPU" : 'variants vs the baseline',
            );
  const withNote = specific.map((c) =>
    c.data.groupAxisLabel === undefined ? { ...c, data: { ...c.data, groupAxisLabel: note } } : c,
  );
  return [...withNote, ...placedFigures(bench, note)];
}

const SIZE = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="(\d+)" height="(\d+)"/;

/** Stacks SVG documents (as renderBarChartSvg writes them) top to bottom in one document. */
export function stackSvgDocuments(documents: readonly string[]): string {
  let top = 0;
  let width = 0;
  const placed = documents.map((doc) => {
    const match = SIZE.exec(doc);
    if (match === null) throw new Error('stackSvgDocuments: not an SVG document written by sppkit');
    const at = top;
    top += Number(match[2]);
    width = Math.max(width, Number(match[1]));
    return doc.replace(/^<svg /, `<svg x="0" y="${at}" `).trimEnd();
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top}" viewBox="0 0 ${width} ${top}">` +
    `<rect width="${width}" height="${top}" fill="#ffffff"/>${placed.join('')}</svg>\n`
  );
}

/** The SVG document of one benchmark's charts, or undefined when it has none. */
export function benchSvg(report: BenchReport, bench: ReportBench): string | undefined {
  const charts = benchCharts(report, bench);
  if (charts.length === 0) return undefined;
  return stackSvgDocuments(charts.map((c) => renderBarChartSvg(c.data, c.options)));
}
