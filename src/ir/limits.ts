/**
 * Resource limits: what a model from a stranger may make sppkit allocate or compute. One policy object, checked
 * before anything is allocated — by shape inference (ranks), by the reference evaluator (every output's size,
 * the bytes it holds, the work it does), by the kernels (their scratch buffers and superlinear loops), by random
 * feeds and by the external-data reader. An excess is a `LimitError` (code `E_LIMIT`) that names the node, the
 * value, the amount asked for and the limit.
 *
 * The defaults, and why:
 * - `maxTensorElements` 2^28 (268,435,456): 1 GiB of float32, 2 GiB of float64/int64 — more than any activation of
 *   the pooling and detection models sppkit targets (a 640×640 YOLO's largest is ~2^23), and well inside what the
 *   kernels index with int32 tables and what a browser tab can allocate in one ArrayBuffer.
 * - `maxEvaluationBytes` 2^32 (4 GiB): bytes the evaluator itself holds at once (computed values and kernel
 *   scratch; feeds and initializers already exist and are not counted). Values are released after their last use.
 * - `maxWork` 2^36 (~6.9e10): element operations one evaluation may perform (every node's inputs and outputs,
 *   plus the multiply-adds of Conv/MatMul/Gemm and the window taps of pooling). A YOLOv5s at 640×640 needs ~2^33;
 *   at the reference kernels' speed 2^36 is minutes, not hours: the evaluator always ends.
 * - `maxNodes` 2^22 (4,194,304): nodes in a decoded, checked or built graph; every pass is near-linear, so this
 *   bounds their time too.
 * - `maxRank` 64: dims of one tensor (numpy's NPY_MAXDIMS). Shape inference builds arrays of a rank's length, so
 *   a declared rank bomb (a shape input of length 2^31) is refused before any array is made.
 * - `maxExternalDataBytes` 2^34 (16 GiB): bytes of external data one model may reference.
 * Nesting depth needs no limit of its own: the protobuf reader refuses messages nested deeper than 100, and no
 * algorithm recurses on graph size.
 */
import { ConfigError, SppkitError, describeNode, type NodeRef } from './errors.js';

/** The resource policy. Every field is a positive integer. */
export interface Limits {
  /** Elements of one tensor (computed, fed or declared); a zero dim does not make a huge other dim free. */
  readonly maxTensorElements: number;
  /** Bytes the reference evaluator holds at once: computed values and kernel scratch (not feeds, initializers). */
  readonly maxEvaluationBytes: number;
  /** Element operations of one evaluation (or of one folded node). */
  readonly maxWork: number;
  /** Nodes of one graph. */
  readonly maxNodes: number;
  /** Dims of one tensor. */
  readonly maxRank: number;
  /** Bytes of external data one model may reference. */
  readonly maxExternalDataBytes: number;
}

/** The name of one limit. */
export type LimitName = keyof Limits;

/** sppkit's default policy (see the file comment for the reasons). */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxTensorElements: 2 ** 28,
  maxEvaluationBytes: 2 ** 32,
  maxWork: 2 ** 36,
  maxNodes: 2 ** 22,
  maxRank: 64,
  maxExternalDataBytes: 2 ** 34,
});

/**
 * The largest value each limit may be raised to: int32 index tables cap elements at 2^31 − 1; beyond 2^53 the
 * bookkeeping would no longer be exact.
 */
const CEILINGS: Readonly<Record<LimitName, number>> = {
  maxTensorElements: 2 ** 31 - 1,
  maxEvaluationBytes: Number.MAX_SAFE_INTEGER,
  maxWork: Number.MAX_SAFE_INTEGER,
  maxNodes: 2 ** 31 - 1,
  maxRank: 1024,
  maxExternalDataBytes: Number.MAX_SAFE_INTEGER,
};

/** What each limit means, for `--help` and messages. */
export const LIMIT_DESCRIPTIONS: Readonly<Record<LimitName, string>> = {
  maxTensorElements: 'elements of one tensor',
  maxEvaluationBytes: 'bytes the reference evaluator holds at once',
  maxWork: 'element operations of one evaluation',
  maxNodes: 'nodes of one graph',
  maxRank: 'dims of one tensor',
  maxExternalDataBytes: 'bytes of external data one model may reference',
};

/** The unit each limit counts, for messages. */
const UNITS: Readonly<Record<LimitName, string>> = {
  maxTensorElements: 'elements',
  maxEvaluationBytes: 'bytes',
  maxWork: 'operations',
  maxNodes: 'nodes',
  maxRank: 'dims',
  maxExternalDataBytes: 'bytes',
};

/** The limit names, in the order `--help` lists them. */
export const LIMIT_NAMES: readonly LimitName[] = [
  'maxTensorElements',
  'maxEvaluationBytes',
  'maxWork',
  'maxNodes',
  'maxRank',
  'maxExternalDataBytes',
];

/** True when `name` is a limit's name. */
export function isLimitName(name: string): name is LimitName {
  return Object.prototype.hasOwnProperty.call(DEFAULT_LIMITS, name);
}

/** An input that asks for more than a limit allows. */
export class LimitError extends SppkitError {
  constructor(
    /** The limit exceeded. */
    readonly limit: LimitName,
    /** What was asked for (elements, bytes, operations, nodes or dims). */
    readonly requested: number,
    /** The limit's value. */
    readonly allowed: number,
    /** What asked, for the message: `Expand node 'e': output 'y' float32[1000000, 1000000]`. */
    readonly what: string,
  ) {
    super(
      'E_LIMIT',
      `${what} needs ${formatAmount(requested)} ${UNITS[limit]}, ` +
        `over the limit ${limit}=${formatAmount(allowed)} (${LIMIT_DESCRIPTIONS[limit]})`,
    );
  }
}

/** A count for messages: exact below 2^53, else in exponent form; `Infinity` stays so. */
function formatAmount(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : value.toExponential(3);
}

/**
 * The policy `overrides` make of `base` (default: the defaults); a ConfigError for a name that is no limit or a
 * value that is not a positive integer within its ceiling.
 */
export function resolveLimits(overrides: Partial<Limits> = {}, base: Limits = DEFAULT_LIMITS): Limits {
  const result: Record<LimitName, number> = { ...base };
  for (const [name, value] of Object.entries(overrides)) {
    if (!isLimitName(name)) throw new ConfigError(`unknown limit '${name}' (limits: ${LIMIT_NAMES.join(', ')})`);
    if (value === undefined) continue;
    const ceiling = CEILINGS[name];
    if (!Number.isSafeInteger(value) || value < 1 || value > ceiling)
      throw new ConfigError(`limit ${name} must be an integer in 1..${ceiling}, got ${String(value)}`);
    result[name] = value;
  }
  return Object.freeze(result);
}

/** Work a node folded at build or inference time may take: what costs more stays a computation. */
export const FOLDING_WORK = 2 ** 26;

/**
 * The limits for folding a node into a constant (shape inference, `fold-constants`): outputs of at most
 * `maxElements` elements and `FOLDING_WORK` operations, within `base`.
 */
export function foldingLimits(maxElements: number, base: Limits = DEFAULT_LIMITS): Limits {
  return Object.freeze({
    ...base,
    maxTensorElements: Math.max(1, Math.min(base.maxTensorElements, maxElements)),
    maxWork: Math.min(base.maxWork, FOLDING_WORK),
  });
}

/** Text naming a node and, optionally, one of its values: `Expand node 'e': output 'y'`. */
export function nodeWhat(node: NodeRef, value?: string): string {
  return value === undefined ? describeNode(node) : `${describeNode(node)}: ${value}`;
}

/**
 * The element count a shape asks the kernels to lay out: the product of its dims with zeros counted as ones, so
 * that `[2^40, 0]` (empty, but with per-axis tables of 2^40 entries) is not free. Infinity for a non-finite or
 * negative dim; exact (no overflow wrap) because doubles only lose precision, never wrap.
 */
export function shapeExtent(dims: readonly number[]): number {
  let extent = 1;
  for (const dim of dims) {
    if (!Number.isFinite(dim) || dim < 0) return Infinity;
    extent *= Math.max(dim, 1);
  }
  return extent;
}

/** Refuses a rank above `maxRank` before an array of that length is made. */
export function checkRank(rank: number, limits: Limits, what: string): void {
  if (!(rank <= limits.maxRank)) throw new LimitError('maxRank', rank, limits.maxRank, what);
}

/** Refuses a concrete shape whose extent (see `shapeExtent`) or rank is above the limits. */
export function checkShape(dims: readonly number[], limits: Limits, what: string): void {
  checkRank(dims.length, limits, what);
  checkElements(shapeExtent(dims), limits, what);
}

/** Refuses an element count (of a tensor, or of a kernel's scratch buffer) above `maxTensorElements`. */
export function checkElements(elements: number, limits: Limits, what: string): void {
  if (!(elements <= limits.maxTensorElements))
    throw new LimitError('maxTensorElements', elements, limits.maxTensorElements, what);
}

/**
 * One evaluation's running totals: bytes held and work done, each checked against its limit before the
 * allocation or the loop it stands for.
 */
export class Budget {
  #bytes = 0;
  #peakBytes = 0;
  #work = 0;

  constructor(readonly limits: Limits = DEFAULT_LIMITS) {}

  /** Bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The most bytes held at once so far. */
  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** Work charged so far. */
  get work(): number {
    return this.#work;
  }

  /** Charges `operations` of work; refuses when the total would pass `maxWork`. */
  charge(operations: number, what: string): void {
    const total = this.#work + operations;
    if (!(total <= this.limits.maxWork)) throw new LimitError('maxWork', total, this.limits.maxWork, what);
    this.#work = total;
  }

  /** Refuses unless `bytes` more fit under `maxEvaluationBytes` (nothing is held). */
  checkBytes(bytes: number, what: string): void {
    const total = this.#bytes + bytes;
    if (!(total <= this.limits.maxEvaluationBytes))
      throw new LimitError('maxEvaluationBytes', total, this.limits.maxEvaluationBytes, what);
  }

  /** Holds `bytes` more; refuses when the total would pass `maxEvaluationBytes`. */
  hold(bytes: number, what: string): void {
    this.checkBytes(bytes, what);
    this.#bytes += bytes;
    this.#peakBytes = Math.max(this.#peakBytes, this.#bytes);
  }

  /** Releases bytes held before. */
  release(bytes: number): void {
    this.#bytes = Math.max(0, this.#bytes - bytes);
  }
}
