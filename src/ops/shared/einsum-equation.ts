/**
 * Einsum equations: parsing (`"bij, bjk -> bik"`, `"...ii->...i"`, `"i,i"`), validation against the input
 * shapes, and the label plan the kernel and shape inference share.
 *
 * Grammar: terms of letters `a-z A-Z` separated by commas, each term may hold one ellipsis `...`, then optionally
 * `->` and the output term; spaces are ignored. A letter repeated within a term takes the diagonal. Without `->`
 * (implicit mode) the output is the ellipsis dims followed by the letters that occur exactly once in the whole
 * equation, in ASCII order (numpy's rule). Letters absent from the output are summed over. An explicit output must
 * hold `...` when the inputs' ellipsis covers any dims (numpy and onnxruntime refuse it otherwise). Ellipsis dims
 * broadcast across inputs like numpy (right-aligned, size 1 stretches), and so does a letter of size 1 against the
 * same letter's other size.
 */
import { dimsEqual, formatDim, formatShape, SymDim, type Dim } from '../../ir/dim.js';
import { broadcastShapes } from './broadcast.js';

/** The ellipsis marker in a parsed term. */
export const ELLIPSIS = '...';

/** A parsed term: letters and at most one ellipsis, in order. */
export type EinsumTerm = readonly string[];

/** A parsed equation. */
export interface EinsumEquation {
  readonly inputs: readonly EinsumTerm[];
  /** The explicit output term, or undefined in implicit mode. */
  readonly output: EinsumTerm | undefined;
}

/** Parses one term, failing on anything but letters and one ellipsis. */
function parseTerm(text: string, where: string, fail: (detail: string) => never): string[] {
  const labels: string[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (text.startsWith(ELLIPSIS, i)) {
      if (labels.includes(ELLIPSIS)) fail(`${where} '${text}' has more than one ellipsis`);
      labels.push(ELLIPSIS);
      i += ELLIPSIS.length - 1;
    } else if (/^[a-zA-Z]$/.test(char)) labels.push(char);
    else fail(`${where} '${text}' holds '${char}'; only letters a-z, A-Z and one '...' are allowed`);
  }
  return labels;
}

/** Parses an Einsum equation. */
export function parseEquation(equation: string, fail: (detail: string) => never): EinsumEquation {
  const text = equation.replace(/\s+/g, '');
  const parts = text.split('->');
  if (parts.length > 2) fail(`equation '${equation}' has more than one '->'`);
  const [left = '', right] = parts;
  const inputs = left.split(',').map((term, i) => parseTerm(term, `input term ${i} of equation`, fail));
  if (right === undefined) return { inputs, output: undefined };
  if (right.includes(',')) fail(`equation '${equation}' has more than one output term`);
  const output = parseTerm(right, 'output term of equation', fail);
  const seen = new Set<string>();
  for (const label of output) {
    if (seen.has(label)) fail(`output term '${right}' of equation '${equation}' repeats '${label}'`);
    seen.add(label);
    if (label !== ELLIPSIS && !inputs.some((term) => term.includes(label)))
      fail(`output label '${label}' of equation '${equation}' appears in no input term`);
  }
  return { inputs, output };
}

/**
 * The labels of an equation checked against concrete or symbolic input shapes: the size of every letter, the
 * broadcast ellipsis dims, and each input's axes as labels (ellipsis dims as `...0`, `...1`, ..., aligned right).
 */
export interface EinsumPlan {
  /** Size of every label (letters and ellipsis labels). */
  readonly sizes: ReadonlyMap<string, Dim>;
  /** Per input, the label of each of its axes. */
  readonly inputLabels: readonly (readonly string[])[];
  /** The labels of the output axes, in order. */
  readonly outputLabels: readonly string[];
  /** The labels summed over (all others), in first-appearance order. */
  readonly sumLabels: readonly string[];
}

/** Builds the label plan, failing with the equation, terms and shapes involved when they do not fit. */
export function planEinsum(
  equation: string,
  parsed: EinsumEquation,
  shapes: readonly (readonly Dim[])[],
  fail: (detail: string) => never,
): EinsumPlan {
  const all = shapes.map(formatShape).join(', ');
  if (parsed.inputs.length !== shapes.length)
    fail(`equation '${equation}' has ${parsed.inputs.length} input terms but the node has ${shapes.length} inputs`);
  // Ellipsis dims of each input, then their broadcast.
  const ellipses: Dim[][] = [];
  parsed.inputs.forEach((term, i) => {
    const shape = shapes[i] ?? [];
    const letters = term.filter((label) => label !== ELLIPSIS).length;
    const hasEllipsis = term.includes(ELLIPSIS);
    if (hasEllipsis ? shape.length < letters : shape.length !== letters) {
      const named = `${letters} axes${hasEllipsis ? ' plus an ellipsis' : ''}`;
      fail(
        `term '${term.join('')}' of equation '${equation}' names ${named} but input ${i} has shape ` +
          `${formatShape(shape)} (inputs: ${all})`,
      );
    }
    const start = term.indexOf(ELLIPSIS);
    ellipses.push(hasEllipsis ? shape.slice(start, start + shape.length - letters) : []);
  });
  const broadcast = broadcastShapes(ellipses, (detail) =>
    fail(`the ellipsis dims of equation '${equation}' do not broadcast: ${detail} (inputs: ${all})`),
  );
  const ellipsisRank = broadcast?.length ?? 0;
  const ellipsisLabels = Array.from({ length: ellipsisRank }, (_, j) => `${ELLIPSIS}${j}`);
  const sizes = new Map<string, Dim>();
  ellipsisLabels.forEach((label, j) => sizes.set(label, broadcast?.[j] ?? 1));
  const inputLabels = parsed.inputs.map((term, i) => {
    const shape = shapes[i] ?? [];
    const own = ellipses[i]?.length ?? 0;
    const labels = term.flatMap((label) => (label === ELLIPSIS ? ellipsisLabels.slice(ellipsisRank - own) : [label]));
    labels.forEach((label, axis) => {
      const dim = shape[axis] ?? 1;
      if (label.startsWith(ELLIPSIS)) return;
      const known = sizes.get(label);
      const merged = known === undefined ? dim : mergeLabelDim(known, dim);
      if (merged === undefined)
        fail(
          `label '${label}' of equation '${equation}' has size ${formatDim(known ?? 1)} in one place and ` +
            `${formatDim(dim)} at axis ${axis} of input ${i} (inputs: ${all})`,
        );
      sizes.set(label, merged);
    });
    return labels;
  });
  if (parsed.output !== undefined && !parsed.output.includes(ELLIPSIS) && ellipsisRank > 0)
    fail(
      `the ellipsis of equation '${equation}' covers ${ellipsisRank} dims but the output term has no '...' ` +
        `(inputs: ${all})`,
    );
  const outputLabels =
    parsed.output === undefined
      ? [...ellipsisLabels, ...implicitLetters(parsed.inputs)]
      : parsed.output.flatMap((label) => (label === ELLIPSIS ? ellipsisLabels : [label]));
  const outputSet = new Set(outputLabels);
  const sumLabels = [...new Set(inputLabels.flat())].filter((label) => !outputSet.has(label));
  return { sizes, inputLabels, outputLabels, sumLabels };
}

/**
 * The size of a label seen with sizes `known` and `dim`: equal sizes agree, and a size of 1 broadcasts against any
 * other (numpy's einsum); two different symbolic sizes give an unknown dim. Undefined when two known sizes clash.
 */
function mergeLabelDim(known: Dim, dim: Dim): Dim | undefined {
  if (dimsEqual(known, dim) || dim === 1) return known;
  if (known === 1) return dim;
  if (typeof known === 'number' && typeof dim === 'number') return undefined;
  if (typeof known === 'number') return known;
  if (typeof dim === 'number') return dim;
  return SymDim.unknown();
}

/** Implicit mode: the letters that occur exactly once in the whole equation, in ASCII order. */
function implicitLetters(inputs: readonly EinsumTerm[]): string[] {
  const counts = new Map<string, number>();
  for (const term of inputs)
    for (const label of term) if (label !== ELLIPSIS) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts]
    .filter(([, count]) => count === 1)
    .map(([label]) => label)
    .sort();
}
