/**
 * The passes by name, and the parser of a pass list (`fold-constants,fold-bn,spp-to-sppf`, `default`,
 * `opset=13`, `fold-constants=4096`, `adaptive-spp-dynamic=16x16`), as `sppkit transform --passes` takes it.
 * Options that are not tied to one list entry (`--trace-size HxW`) come as `PassOptions`, which every pass factory
 * receives; a pass's own `=argument` wins over them, and the two must agree when both are given.
 */
import { ConfigError } from '../../ir/errors.js';
import { parseTraceSize, type TraceSize } from '../frozen/sites.js';
import { createAdaptiveSppDynamicPass } from './adaptive-spp-dynamic.js';
import { checkPass } from './check.js';
import { dcePass } from './dce.js';
import { foldBnPass } from './fold-bn.js';
import { DEFAULT_FOLD_CAP, foldConstantsPass } from './fold-constants.js';
import { inferShapesPass } from './infer-shapes.js';
import { makeDynamicPass } from './make-dynamic.js';
import { OPSET_RANGE, opsetPass } from './opset.js';
import type { Pass } from './pass.js';
import { separablePoolPass } from './separable-pool.js';
import { sppToSppfPass } from './spp-to-sppf.js';

/** Options for the passes of one run (the CLI's flags), given to every pass factory. */
export interface PassOptions {
  /** The input size the model was exported at (`--trace-size HxW`), for adaptive-spp-dynamic. */
  readonly traceSize?: TraceSize;
}

/** A pass as the command line names it: a factory taking the optional `=argument` and the run's options. */
export interface PassEntry {
  readonly name: string;
  readonly summary: string;
  /** What `=ARG` means, when the pass takes one. */
  readonly argument?: string;
  /** How `=ARG` is written in help (default `N`). */
  readonly argumentForm?: string;
  create(argument: string | undefined, options?: PassOptions): Pass;
}

function noArgument(pass: Pass): PassEntry {
  return {
    name: pass.name,
    summary: pass.description,
    create(argument) {
      if (argument !== undefined) throw new ConfigError(`pass '${pass.name}' takes no argument (got '=${argument}')`);
      return pass;
    },
  };
}

function integerArgument(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new ConfigError(`pass '${name}': argument must be an integer in ${min}..${max}, got '${text}'`);
  return value;
}

/** Every pass, in the order `--help` lists them. */
export const PASS_ENTRIES: readonly PassEntry[] = [
  noArgument(inferShapesPass),
  noArgument(checkPass),
  noArgument(dcePass),
  {
    name: 'fold-constants',
    summary:
      'evaluate constant subgraphs with the reference kernels ' + `(size cap: ${DEFAULT_FOLD_CAP} elements per output)`,
    argument: 'size cap in elements',
    create: (argument) =>
      foldConstantsPass(
        argument === undefined
          ? DEFAULT_FOLD_CAP
          : integerArgument('fold-constants', argument, 0, Number.MAX_SAFE_INTEGER),
      ),
  },
  noArgument(foldBnPass),
  noArgument(sppToSppfPass),
  noArgument(separablePoolPass),
  {
    name: 'adaptive-spp-dynamic',
    summary: createAdaptiveSppDynamicPass().description,
    argument: 'the size the model was exported at, needed for a dynamic export (same as --trace-size)',
    argumentForm: 'HxW',
    create(argument, options = {}) {
      const fromArgument = argument === undefined ? undefined : parseTraceSize(argument);
      const { traceSize } = options;
      if (
        fromArgument !== undefined &&
        traceSize !== undefined &&
        (fromArgument.height !== traceSize.height || fromArgument.width !== traceSize.width)
      )
        throw new ConfigError(
          `pass 'adaptive-spp-dynamic=${argument}' disagrees with the trace size ` +
            `${traceSize.height}x${traceSize.width}`,
        );
      const size = fromArgument ?? traceSize;
      return createAdaptiveSppDynamicPass(size === undefined ? {} : { traceSize: size });
    },
  },
  noArgument(makeDynamicPass),
  {
    name: 'opset',
    summary: `convert the default-domain opset (${OPSET_RANGE.min}..${OPSET_RANGE.max}) for the ops sppkit implements`,
    argument: 'target opset (required)',
    create(argument) {
      if (argument === undefined)
        throw new ConfigError(`pass 'opset' needs a target: opset=${OPSET_RANGE.min} or opset=${OPSET_RANGE.max}`);
      return opsetPass(integerArgument('opset', argument, OPSET_RANGE.min, OPSET_RANGE.max));
    },
  },
];

/**
 * What `--passes default` runs: exact clean-ups and the speed rewrites that are measured faster on onnxruntime CPU
 * (`sppkit bench passes`, `bench transform`); the interface stays as it is. `separable-pool` is not among them: on
 * onnxruntime CPU a k×1 + 1×k pair runs at the speed of the k×k pool (0.98–1.02× for k = 3 and 5) with twice the
 * nodes, so it stays available by name (for runtimes with naive k×k windows) but off by default.
 */
export const DEFAULT_PASSES = ['fold-constants', 'fold-bn', 'spp-to-sppf', 'dce'] as const;

/**
 * Parses a comma-separated pass list (`default` expands to DEFAULT_PASSES), with the run's options. Throws
 * ConfigError naming a bad entry.
 */
export function parsePassList(text: string, options: PassOptions = {}): Pass[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError('the pass list is empty');
  return items.flatMap((item) => {
    if (item === 'default') return DEFAULT_PASSES.map((name) => createPass(name, options));
    return [createPass(item, options)];
  });
}

function createPass(item: string, options: PassOptions): Pass {
  const at = item.indexOf('=');
  const name = at < 0 ? item : item.slice(0, at);
  const argument = at < 0 ? undefined : item.slice(at + 1);
  const entry = PASS_ENTRIES.find((e) => e.name === name);
  if (entry === undefined)
    throw new ConfigError(`unknown pass '${name}' (known: ${PASS_ENTRIES.map((e) => e.name).join(', ')}, default)`);
  return entry.create(argument, options);
}
