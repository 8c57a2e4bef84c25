#!/usr/bin/env node
/**
 * The `sppkit` command. Exit codes: 0 success, 1 a failed check or test, 2 bad usage or bad input.
 */
import { SppkitError } from '../ir/errors.js';
import { FailedError, UsageError } from './args.js';
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
  bench <name>...                   benchmarks (spp, ops, transform, backends): figures and ratios`;

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

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(
  argv: readonly string[],
  out = (line: string): void => console.log(line),
  err = (line: string): void => console.error(line),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    err(`sppkit: unknown command '${name}'\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(rest, out, err);
  } catch (error) {
    if (error instanceof FailedError) {
      err(`sppkit ${name}: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError || error instanceof SppkitError) {
      err(`sppkit ${name}: ${error.message}`);
      return 2;
    }
    err(`sppkit ${name}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
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
