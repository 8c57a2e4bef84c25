/**
 * Command-line parsing helpers: typed option readers whose errors are usage errors (exit code 2).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SppkitError } from '../ir/errors.js';
import { wrapText } from '../viz/svg.js';
import {
  DEFAULT_LIMITS,
  isLimitName,
  LIMIT_DESCRIPTIONS,
  LIMIT_NAMES,
  resolveLimits,
  type LimitName,
  type Limits,
} from '../ir/limits.js';

/** Bad command-line usage (exit code 2). */
export class UsageError extends SppkitError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** A failed check or test (exit code 1), already reported. */
export class FailedError extends SppkitError {
  constructor(message: string) {
    super('E_FAILED', message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** A value that starts with a dash but is a number (`-1`, `-0.5`, `-1e3`), not an option. */
const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/**
 * `--name -1` as `--name=-1` for the options that take a value, so that a negative number is read as the value
 * (node's parser would call it ambiguous) and then checked like any other value.
 */
function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const takesValue = new Set<string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (option.short !== undefined) takesValue.add(`-${option.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(arg.startsWith('--') ? `${arg}=${next}` : `${arg}${next}`);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** Parses `argv` against `options`, turning parseArgs' errors into one-line UsageErrors. */
export function parse<T extends Options>(
  argv: readonly string[],
  options: T,
  command: string,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values, positionals };
  } catch (error) {
    // Node's messages run over several lines ("... argument is ambiguous.\nDid you forget ..."): keep the first.
    const text = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${command}: ${text.split('\n')[0] ?? text}`);
  }
}

/** A string option, or undefined. */
export function str(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** An integer option within [min, max]. */
export function int(
  values: Record<string, unknown>,
  name: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer in ${min}..${max}, got '${text}'`);
  return value;
}

/** A comma-separated list of positive integers (`4,2,1`). */
export function intList(values: Record<string, unknown>, name: string): number[] | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => !/^\d+$/.test(item) || Number(item) < 1))
    throw new UsageError(`--${name} must be a comma-separated list of positive integers, got '${text}'`);
  return items.map(Number);
}

/**
 * A dim: a positive integer (static, at most `max`: a dim alone past the element limit can never be run) or a
 * name (dynamic).
 */
export function dim(
  values: Record<string, unknown>,
  name: string,
  fallback: number | string,
  max = DEFAULT_LIMITS.maxTensorElements,
): number | string {
  const text = str(values, name) ?? String(fallback);
  if (/^\d+$/.test(text)) {
    if (Number(text) < 1 || Number(text) > max) throw new UsageError(`--${name} must be in 1..${max}, got '${text}'`);
    return Number(text);
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(text))
    throw new UsageError(`--${name} must be a positive integer or a dim name like H, got '${text}'`);
  return text;
}

/** One of `choices`. */
export function choice<T extends string>(
  values: Record<string, unknown>,
  name: string,
  choices: readonly T[],
): T | undefined {
  const text = str(values, name);
  if (text === undefined) return undefined;
  const found = choices.find((c) => c === text);
  if (found === undefined) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${text}'`);
  return found;
}

/** The `--limit` option's help text: every limit with its default. */
export const LIMIT_HELP = [
  '  --limit NAME=VALUE     raise or lower a resource limit (repeatable; VALUE an integer or 2^N):',
  ...LIMIT_NAMES.map(
    (name) => `                           ${name}=${DEFAULT_LIMITS[name]} (${LIMIT_DESCRIPTIONS[name]})`,
  ),
].join('\n');

/** The `--limit` option's parser spec (multiple values). */
export const LIMIT_OPTION = { limit: { type: 'string', multiple: true } } as const;

/** A limit value: a positive integer written plainly (`1000000`) or as a power of two (`2^28`). */
function limitValue(text: string, item: string): number {
  const power = /^2\^(\d+)$/.exec(text);
  const value = power !== null ? 2 ** Number(power[1]) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`--limit ${item}: the value must be a positive integer or 2^N, got '${text}'`);
  return value;
}

/** The limits `--limit NAME=VALUE` options give (the defaults for the rest); a UsageError names a bad item. */
export function limitsOf(values: Record<string, unknown>): Limits {
  const items = values.limit;
  const overrides: Partial<Record<LimitName, number>> = {};
  for (const item of Array.isArray(items) ? items : []) {
    const text = String(item);
    const match = /^([A-Za-z-]+)=(.+)$/.exec(text);
    const name = match?.[1]?.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (match === null || name === undefined || !isLimitName(name))
      throw new UsageError(
        `--limit must look like NAME=VALUE with NAME one of ${LIMIT_NAMES.join(', ')}, got '${text}'`,
      );
    overrides[name] = limitValue(match[2] ?? '', text);
  }
  try {
    return resolveLimits(overrides);
  } catch (error) {
    throw new UsageError(`--limit: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The kind of file-system entry at `path`, or undefined when there is none. */
function entryKind(path: string): 'folder' | 'file' | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? undefined : stat.isDirectory() ? 'folder' : 'file';
}

/** Refuses an output file path that is an existing folder (`-o out/`), naming the option and the path. */
export function checkOutputFile(path: string, option: string): void {
  if (entryKind(path) === 'folder')
    throw new UsageError(`${option} '${path}' is a folder; give a file path such as ${join(path, 'model.onnx')}`);
}

/** Makes the folder that the output file `path` goes into (and its parents), when it is not there yet. */
export function makeFolderFor(path: string): void {
  mkdirSync(dirname(path) || '.', { recursive: true });
}

/** Writes an output file (an SVG, a report), making its folder first. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  makeFolderFor(path);
  writeFileSync(path, data);
}

/** Refuses an output folder path that is an existing file (`--output-dir x.onnx`), naming the option and path. */
export function checkOutputFolder(path: string, option: string): void {
  if (entryKind(path) === 'file') throw new UsageError(`${option} '${path}' is a file, not a folder`);
}

/** The widest line `--help` prints. */
const HELP_COLUMNS = 118;

/**
 * `text` wrapped to the help width after `lead` (e.g. an option's name padded to a column): the first line starts
 * with `lead`, the others are indented to line up under the text.
 */
export function helpLines(lead: string, text: string): string {
  const indent = ' '.repeat(lead.length);
  return wrapText(text, HELP_COLUMNS - lead.length)
    .map((line, index) => `${index === 0 ? lead : indent}${line}`)
    .join('\n');
}
