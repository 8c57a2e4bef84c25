/**
 * The JSON report of `sppkit bench --json` (written by bench/harness.ts, whose records extend these types), read
 * back without trusting its shape: every field is checked, and a report that is not one is refused with a
 * ConfigError naming the file and the field.
 * The charts of `sppkit bench --svg` are derived from this data alone (bench-charts.ts).
 */
import { ConfigError } from '../../ir/errors.js';

/** One variant's timing in a table (the median is what the tables' ratios use). */
export interface ReportTiming {
  readonly name: string;
  readonly medianMs: number | null;
}

/** A printed timing table: its variants' medians and the baseline its ratios are against. */
export interface ReportTable {
  readonly title: string;
  readonly baseline: string;
  readonly timings: readonly ReportTiming[];
}

/** A named figure (a ratio, a size, a time). */
export interface ReportFigure {
  readonly name: string;
  readonly value: number | string | null;
  readonly unit: string;
  /**
   * Where the figure goes in a chart (`sppkit bench --svg`): figures of one `chart` are drawn as groups of bars,
   * one group per `case` (a model), one bar per `series` (a backend). Absent: the figure is not charted this way.
   */
  readonly chart?: string;
  readonly case?: string;
  readonly series?: string;
}

/** A goal and this run's value. */
export interface ReportGoal {
  readonly name: string;
  readonly value: number | null;
  readonly target: number;
  readonly direction: 'at-least' | 'at-most';
  readonly unit: string;
  readonly pass: boolean;
}

/** Everything one benchmark recorded. */
export interface ReportBench {
  readonly name: string;
  readonly tables: readonly ReportTable[];
  readonly figures: readonly ReportFigure[];
  readonly goals: readonly ReportGoal[];
}

/** The machine a report was measured on (as much as the report says). */
export interface ReportHost {
  readonly cpus?: number;
  /** 1-minute load average when the benchmark ended. */
  readonly load?: number;
  readonly node?: string;
}

/** A whole report. */
export interface BenchReport {
  readonly generatedAt?: string;
  readonly host?: ReportHost;
  readonly benches: readonly ReportBench[];
}

type Fields = Readonly<Record<string, unknown>>;

/** Reads fields of one JSON object, refusing a missing or mistyped one with the path to it. */
class Reader {
  constructor(
    private readonly source: string,
    readonly path: string,
    readonly fields: Fields,
  ) {}

  static of(source: string, path: string, value: unknown): Reader {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ConfigError(`${source}: ${path} must be an object, got ${describe(value)}`);
    return new Reader(source, path, Object.fromEntries(Object.entries(value)));
  }

  fail(field: string, wanted: string): never {
    throw new ConfigError(
      `${this.source}: ${this.path}.${field} must be ${wanted}, got ${describe(this.fields[field])}`,
    );
  }

  string(field: string): string {
    const value = this.fields[field];
    return typeof value === 'string' ? value : this.fail(field, 'a string');
  }

  optionalString(field: string): string | undefined {
    const value = this.fields[field];
    return value === undefined ? undefined : typeof value === 'string' ? value : this.fail(field, 'a string');
  }

  /** A number, or null (JSON writes NaN and infinities as null). */
  numberOrNull(field: string): number | null {
    const value = this.fields[field];
    return value === null || typeof value === 'number' ? value : this.fail(field, 'a number or null');
  }

  number(field: string): number {
    const value = this.fields[field];
    return typeof value === 'number' ? value : this.fail(field, 'a number');
  }

  list<T>(field: string, item: (reader: Reader) => T, required = true): T[] {
    const value = this.fields[field];
    if (value === undefined && !required) return [];
    if (!Array.isArray(value)) return this.fail(field, 'an array');
    return value.map((element: unknown, index) =>
      item(Reader.of(this.source, `${this.path}.${field}[${index}]`, element)),
    );
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

function readFigure(r: Reader): ReportFigure {
  const value = r.fields['value'];
  if (value !== null && typeof value !== 'number' && typeof value !== 'string') r.fail('value', 'a number or string');
  const place = {
    chart: r.optionalString('chart'),
    case: r.optionalString('case'),
    series: r.optionalString('series'),
  };
  return {
    name: r.string('name'),
    value,
    unit: r.optionalString('unit') ?? '',
    ...(place.chart === undefined ? {} : { chart: place.chart }),
    ...(place.case === undefined ? {} : { case: place.case }),
    ...(place.series === undefined ? {} : { series: place.series }),
  };
}

function readGoal(r: Reader): ReportGoal {
  const direction = r.string('direction');
  if (direction !== 'at-least' && direction !== 'at-most') r.fail('direction', "'at-least' or 'at-most'");
  return {
    name: r.string('name'),
    value: r.numberOrNull('value'),
    target: r.number('target'),
    direction,
    unit: r.optionalString('unit') ?? '',
    pass: r.fields['pass'] === true,
  };
}

function readBench(r: Reader): ReportBench {
  return {
    name: r.string('name'),
    tables: r.list('tables', (t) => ({
      title: t.string('title'),
      baseline: t.string('baseline'),
      timings: t.list('timings', (timing) => ({
        name: timing.string('name'),
        medianMs: timing.numberOrNull('medianMs'),
      })),
    })),
    figures: r.list('figures', readFigure),
    goals: r.list('goals', readGoal),
  };
}

function readHost(value: unknown): ReportHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const cpus: unknown = Reflect.get(value, 'cpus');
  const node: unknown = Reflect.get(value, 'node');
  const loadavg: unknown = Reflect.get(value, 'loadavg');
  const load: unknown = Array.isArray(loadavg) ? loadavg[0] : undefined;
  return {
    ...(typeof cpus === 'number' ? { cpus } : {}),
    ...(typeof load === 'number' ? { load } : {}),
    ...(typeof node === 'string' ? { node } : {}),
  };
}

/**
 * Reads a bench report (the parsed JSON of `sppkit bench --json` or of one benchmark's `--json`). Throws
 * ConfigError naming `source` and the first field that is missing or of the wrong type.
 */
export function readBenchReport(json: unknown, source: string): BenchReport {
  const r = Reader.of(source, 'report', json);
  const generatedAt = r.optionalString('generatedAt');
  const host = readHost(r.fields['host']);
  return {
    ...(generatedAt === undefined ? {} : { generatedAt }),
    ...(host === undefined ? {} : { host }),
    benches: r.list('benches', readBench),
  };
}
