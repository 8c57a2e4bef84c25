/**
 * Command-line parsing helpers: typed option readers whose errors are usage errors (exit code 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SppkitError } from '../ir/errors.js';

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

/** Parses `argv` against `options`, turning parseArgs' errors into UsageErrors. */
export function parse<T extends Options>(
  argv: readonly string[],
  options: T,
  command: string,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values, positionals };
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message : String(error)}`);
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

/** A dim: a positive integer (static) or a name (dynamic). */
export function dim(values: Record<string, unknown>, name: string, fallback: number | string): number | string {
  const text = str(values, name) ?? String(fallback);
  if (/^\d+$/.test(text)) {
    if (Number(text) < 1) throw new UsageError(`--${name} must be >= 1, got '${text}'`);
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
