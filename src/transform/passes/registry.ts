/**
 * The passes by name, and the parser of a pass list (`fold-constants,fold-bn,spp-to-sppf`, `default`,
 * `opset=13`, `fold-constants=4096`), as `sppkit transform --passes` takes it.
 */
import { ConfigError } from '../../ir/errors.js';
import { adaptiveSppDynamicPass } from './adaptive-spp-dynamic.js';
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

/** A pass as the command line names it: a factory taking the optional `=argument`. */
export interface PassEntry {
  readonly name: string;
  readonly summary: string;
  /** What `=ARG` means, when the pass takes one. */
  readonly argument?: string;
  create(argument: string | undefined): Pass;
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
  noArgument(adaptiveSppDynamicPass),
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

/** Parses a comma-separated pass list (`default` expands to DEFAULT_PASSES). Throws ConfigError naming a bad entry. */
export function parsePassList(text: string): Pass[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new ConfigError('the pass list is empty');
  return items.flatMap((item) => {
    if (item === 'default') return DEFAULT_PASSES.map((name) => createPass(name));
    return [createPass(item)];
  });
}

function createPass(item: string): Pass {
  const at = item.indexOf('=');
  const name = at < 0 ? item : item.slice(0, at);
  const argument = at < 0 ? undefined : item.slice(at + 1);
  const entry = PASS_ENTRIES.find((e) => e.name === name);
  if (entry === undefined)
    throw new ConfigError(`unknown pass '${name}' (known: ${PASS_ENTRIES.map((e) => e.name).join(', ')}, default)`);
  return entry.create(argument);
}
