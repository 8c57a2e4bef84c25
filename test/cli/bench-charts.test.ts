/**
 * `sppkit bench --svg`: charts derived from a bench report alone — time ratios from the tables' medians against
 * each table's baseline, goals where the report has them, io's speed and memory figures, figures placed in a chart
 * — and the command's `--svg` paths and `--from` reading, with bad reports refused by field.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchCharts, benchSvg } from '../../src/cli/commands/bench-charts.js';
import { readBenchReport, type BenchReport } from '../../src/cli/commands/bench-report.js';
import { ConfigError } from '../../src/ir/errors.js';
import { byClass, parseXml, texts } from '../viz/xml.js';
import { cli, tempDir } from './run-cli.js';

const timing = (name: string, medianMs: number): object => ({ name, medianMs, p10Ms: 0, p90Ms: 0, runs: 20 });

/** A report as bench/harness.ts writes it, with round medians so the ratios are known by hand. */
const REPORT = {
  version: 1,
  generatedAt: '2026-11-30T06:00:00.000Z',
  host: { node: 'v20.20.2', platform: 'linux', cpus: 2, loadavg: [3.25, 3, 3] },
  benches: [
    {
      name: 'ops',
      tables: [
        {
          title: 'SPPF chain (3× MaxPool k5 + Concat), [1,256,20,20]',
          baseline: 'ort-cpu (1 thread)',
          timings: [timing('ref', 6), timing('ort-cpu (1 thread)', 2)],
        },
        {
          title: 'MaxPool k5 s1 p2, [1,256,40,40]',
          baseline: 'ort-cpu (1 thread)',
          timings: [timing('ref', 5), timing('ort-cpu (1 thread)', 4)],
        },
      ],
      figures: [],
      goals: [
        { name: 'ops SPPF chain reference / ORT', value: 3, target: 3, direction: 'at-most', unit: '×', pass: true },
      ],
    },
    {
      name: 'spp',
      tables: [
        {
          title: 'max pooling, levels 4,2,1, 16×16',
          baseline: 'static (sppkit)',
          timings: [
            timing('static (sppkit)', 2),
            timing('dynamic (sppkit)', 3),
            timing('PyTorch torchscript static export', 6),
          ],
        },
        {
          title: 'avg pooling, levels 6,3,2,1, 13×13',
          baseline: 'static (sppkit)',
          timings: [timing('static (sppkit)', 4), timing('dynamic (sppkit)', 5)],
        },
      ],
      figures: [],
      goals: [
        {
          name: 'spp dynamic within 1.5× of static (worst case)',
          value: 1.5,
          target: 1.5,
          direction: 'at-most',
          unit: '×',
          pass: true,
        },
        {
          name: 'spp dynamic vs PyTorch static export (worst case)',
          value: 0.5,
          target: 1,
          direction: 'at-most',
          unit: '×',
          pass: true,
        },
      ],
    },
    {
      name: 'io',
      tables: [],
      figures: [
        { name: 'modelBytes', value: 42_000_000, unit: 'bytes' },
        {
          name: 'speed ratio: Python onnx.load + onnx.save / sppkit loadModel + saveModel',
          value: 12,
          unit: '×',
        },
        { name: 'peak over baseline: sppkit load+save', value: 0.05, unit: '× model' },
        { name: 'peak over baseline: sppkit decode+encode', value: 1, unit: '× model' },
        { name: 'peak over baseline: Python parse+serialize', value: 2, unit: '× model' },
      ],
      goals: [
        { name: 'io-speed load+save', value: 12, target: 10, direction: 'at-least', unit: '×', pass: true },
        { name: 'io-memory load+save', value: 0.05, target: 1.3, direction: 'at-most', unit: '× model', pass: true },
      ],
    },
    {
      name: 'backends',
      tables: [],
      figures: [
        { name: 'a: ref median run', value: 300, unit: 'ms', chart: 'median run', case: 'SPPF', series: 'ref' },
        { name: 'a: ort-cpu median run', value: 3, unit: 'ms', chart: 'median run', case: 'SPPF', series: 'ort-cpu' },
        { name: 'a: ort-cuda median', value: null, unit: 'ms', chart: 'median run', case: 'SPPF', series: 'ort-cuda' },
      ],
      goals: [],
    },
  ],
};

const report: BenchReport = readBenchReport(REPORT, 'report.json');
const bench = (name: string): BenchReport['benches'][number] => report.benches.find((b) => b.name === name)!;

describe('bench charts from a report', () => {
  it('draws each table as time ratios against its baseline, with a goal that names the table across it', () => {
    const [chart, ...more] = benchCharts(report, bench('ops'));
    expect(more).toHaveLength(0);
    expect(chart!.data.goal).toBe(1);
    expect(chart!.data.groups).toEqual([
      // 6 ms / 2 ms, and the goal ops SPPF chain (≤3×) across it.
      { label: 'SPPF chain (goal ≤3×)', bars: [{ label: 'ref', value: 3 }], goal: 3 },
      { label: 'MaxPool k5 s1 p2', bars: [{ label: 'ref', value: 1.25 }] },
    ]);
    expect(chart!.data.groupAxisLabel).toBe('measured 2026-11-30, 2 CPUs, load 3.3, Node v20.20.2');
  });

  it('draws spp as dynamic / static by size (goal 1.5×) and dynamic / each PyTorch export (goal 1×)', () => {
    const [bySize, byExport] = benchCharts(report, bench('spp'));
    expect(bySize!.data.goal).toBe(1.5);
    expect(bySize!.data.groups).toEqual([
      { label: '16×16', bars: [{ label: 'max 4,2,1', value: 1.5 }] },
      { label: '13×13', bars: [{ label: 'avg 6,3,2,1', value: 1.25 }] },
    ]);
    expect(byExport!.data.goal).toBe(1);
    expect(byExport!.data.groups).toEqual([
      { label: 'max 4,2,1, 16×16', bars: [{ label: 'torchscript static', value: 0.5 }] },
    ]);
  });

  it("draws io's speed-ups and peak memory, Python's parse+serialize beside sppkit's decode+encode", () => {
    const [speed, memory] = benchCharts(report, bench('io'));
    expect(speed!.data.title).toContain('42 MB');
    expect(speed!.data.goal).toBe(10);
    expect(speed!.data.groups).toEqual([
      { label: 'loadModel + saveModel vs onnx.load + onnx.save', bars: [{ label: 'Python / sppkit', value: 12 }] },
    ]);
    expect(memory!.data.goal).toBe(1.3);
    expect(memory!.data.groups).toEqual([
      { label: 'load+save', bars: [{ label: 'sppkit', value: 0.05 }] },
      {
        label: 'decode+encode',
        bars: [
          { label: 'sppkit', value: 1 },
          { label: 'Python onnx', value: 2 },
        ],
      },
    ]);
  });

  it('draws figures placed in a chart as groups of bars on a log axis, missing ones as n/a', () => {
    const [chart] = benchCharts(report, bench('backends'));
    expect(chart!.options.scale).toBe('log');
    expect(chart!.data.groups).toEqual([
      {
        label: 'SPPF',
        bars: [
          { label: 'ref', value: 300 },
          { label: 'ort-cpu', value: 3 },
          { label: 'ort-cuda', value: null },
        ],
      },
    ]);
    const root = parseXml(benchSvg(report, bench('backends'))!);
    expect(byClass(root, 'bar')).toHaveLength(2);
    expect(byClass(root, 'missing')).toHaveLength(1);
  });

  it('stacks the charts of one benchmark in one SVG document', () => {
    const root = parseXml(benchSvg(report, bench('io'))!);
    const charts = root.children.filter((c) => typeof c !== 'string' && c.name === 'svg');
    expect(charts).toHaveLength(2);
    expect(charts.map((c) => (typeof c === 'string' ? '' : c.attributes.get('y')))).toEqual(['0', expect.any(String)]);
    expect(texts(root)).toEqual(expect.arrayContaining(['goal ≥10×', 'goal ≤1.3× model']));
  });

  it('refuses a report that is not one, naming the file and the field', () => {
    expect(() => readBenchReport([], 'r.json')).toThrow(ConfigError);
    expect(() => readBenchReport({ benches: [{ name: 'x', tables: [], figures: [] }] }, 'r.json')).toThrow(
      'r.json: report.benches[0].goals must be an array, got nothing',
    );
    const badTiming = {
      name: 'x',
      tables: [{ title: 't', baseline: 'b', timings: [{ name: 'a' }] }],
      figures: [],
      goals: [],
    };
    expect(() => readBenchReport({ benches: [badTiming] }, 'r.json')).toThrow(
      'report.benches[0].tables[0].timings[0].medianMs must be a number or null',
    );
  });
});

describe('sppkit bench --svg --from', () => {
  const dir = tempDir('bench-svg');
  const reportFile = join(dir, 'report.json');
  writeFileSync(reportFile, JSON.stringify(REPORT));

  it('writes one chart per benchmark into a folder, or PATH-<name>.svg for several into a file name', async () => {
    const folder = await cli('bench', '--from', reportFile, '--svg', `${dir}/charts/`);
    expect(folder.code).toBe(0);
    expect(folder.out).toContain(`wrote ${dir}/charts/spp.svg`);
    expect(readFileSync(join(dir, 'charts', 'ops.svg'), 'utf8')).toContain('SPPF chain (goal ≤3×)');
    const named = await cli('bench', 'spp', 'io', '--from', reportFile, '--svg', join(dir, 'figs.svg'));
    expect(named.code).toBe(0);
    expect(named.out.split('\n')).toEqual([
      `wrote ${join(dir, 'figs-spp.svg')}: the charts of bench spp`,
      `wrote ${join(dir, 'figs-io.svg')}: the charts of bench io`,
    ]);
    const one = await cli('bench', 'ops', '--from', reportFile, '--svg', join(dir, 'ops-only.svg'));
    expect(one.out).toBe(`wrote ${join(dir, 'ops-only.svg')}: the charts of bench ops`);
  });

  it('refuses --from without --svg, and a benchmark the report lacks', async () => {
    expect((await cli('bench', '--from', reportFile)).code).toBe(2);
    const missing = await cli('bench', 'transform', '--from', reportFile, '--svg', `${dir}/x/`);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('has no bench transform (it has ops, spp, io, backends)');
  });
});
