#!/usr/bin/env node
/**
 * The `sppkit` command. Exit codes: 0 success, 1 a failed check or test, 2 bad usage or bad input (and anything
 * else that stops a command). An error is one line on stderr that names the file, node or value involved; the
 * stack trace only with `--debug` (anywhere on the command line).
 */
import { CheckError, SppkitError } from '../ir/errors.js';
import { FailedError } from './args.js';
import { backendsCommand } from './commands/backends.js';
import { benchCommand } from './commands/bench.js';
import { buildCommand } from './commands/build.js';
import { buildModelCommand } from './commands/build-model.js';
import { goldenCommand } from './commands/golden.js';
import { checkCommand, inspectCommand, runCommand } from './commands/model-commands.js';
import { transformCommand } from './commands/transform.js';

const HELP = `sppkit — build, transform, validate and run ONNX pooling / SPP graphs

usage: sppkit <command> [options]      (sppkit <command> --help for details)

commands:
  build <block> ... -o model.onnx   build a block (spp-adaptive, sppf, ultralytics-spp, ...) as an ONNX model
  build-model                       the default job: SPPF 512->512 at 20x20, checked and run on every backend
  run <model.onnx>                  run a model on a backend and compare with the reference
  golden <DIR>...                   run golden cases (ONNX backend-test layout, case.json layer cases)
  inspect <model.onnx>              show inputs, outputs and ops
  check <model.onnx>                validate a model
  transform <in.onnx> -o out.onnx   rewrite a model with passes (--passes default|fold-bn,spp-to-sppf,...; --explain)
  backends                          list the runtimes and whether they can run here
  bench <name>...                   benchmarks (spp, ops, transform, backends, io, real, passes): figures, ratios

  --debug (any command)             print the stack trace of an error
  --limit NAME=VALUE (run, check, build, inspect)   resource limits, see sppkit run --help`;

type Command = (
  argv: readonly string[],
  out: (line: string) => void,
  err: (line: string) => void,
) => number | Promise<number>;

const COMMANDS: Readonly<Record<string, Command>> = {
  build: buildCommand,
  'build-model': buildModelCommand,
  run: runCommand,
  golden: goldenCommand,
  inspect: inspectCommand,
  check: checkCommand,
  transform: transformCommand,
  backends: backendsCommand,
  bench: benchCommand,
};

/** The first line of a text. */
function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/**
 * A message as one line: the part before a blank line (a usage error followed by the command's help), its lines
 * joined with `; ` (a list of problems stays whole).
 */
function oneLine(text: string): string {
  const [head = text] = text.split(/\n\s*\n/);
  return head
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('; ')
    .replace(/:; /g, ': ');
}

/** A Node file-system error (ENOENT, EISDIR, ENOTDIR, EACCES, ...), which names a path and a system call. */
interface SystemError extends Error {
  readonly code: string;
  readonly path?: string;
  readonly syscall?: string;
}

function isSystemError(error: unknown): error is SystemError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && 'syscall' in error;
}

/** What a system error means, in words. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'it exists already (as a file)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'the file system is read-only',
};

/** An error as the one line the CLI prints, and its exit code. */
function report(error: unknown): { line: string; code: number } {
  if (error instanceof FailedError) return { line: oneLine(error.message), code: 1 };
  if (error instanceof CheckError) {
    const [first = ''] = error.problems;
    const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more; sppkit check lists all)` : '';
    return { line: `the model fails the check: ${first}${more}`, code: 2 };
  }
  if (error instanceof SppkitError) return { line: oneLine(error.message), code: 2 };
  if (isSystemError(error)) {
    const what = SYSTEM_ERRORS[error.code] ?? error.code;
    const path = error.path === undefined ? '' : ` '${error.path}'`;
    return { line: `cannot ${error.syscall ?? 'access'}${path}: ${what}`, code: 2 };
  }
  const text = error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : String(error);
  return { line: `internal error: ${text} (run again with --debug for the stack trace)`, code: 2 };
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(
  argv: readonly string[],
  out = (line: string): void => console.log(line),
  err = (line: string): void => console.error(line),
): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv.filter((arg) => arg !== '--debug');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    err(`sppkit: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}; see sppkit --help)`);
    return 2;
  }
  try {
    return await command(rest, out, err);
  } catch (error) {
    if (debug) err(error instanceof Error ? (error.stack ?? error.message) : String(error));
    const { line, code } = report(error);
    err(`sppkit ${name}: ${line}`);
    return code;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /(?:main\.[jt]s|sppkit)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
