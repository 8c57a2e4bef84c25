/**
 * Tensor dimensions: a known number, or a symbolic expression over named dims (`H`, `floor((H + 1)/2)`).
 *
 * Symbolic dims are kept in a canonical linear form `c0 + Σ ci·atom`, where an atom is a named symbol or an
 * integer floor/ceil division of another linear form by a positive constant. Canonicalising as expressions are
 * built is what lets `floor((H + 2p - k)/s) + 1` become `H` for a same-padded stride-1 pool.
 */

/** An atom of a symbolic dimension: a named dim, an opaque unknown, or a floor/ceil division. */
type Atom =
  | { readonly kind: 'sym'; readonly name: string }
  | { readonly kind: 'unknown'; readonly id: number }
  | { readonly kind: 'div'; readonly rounding: 'floor' | 'ceil'; readonly num: SymDim; readonly den: number };

let unknownCounter = 0;

function atomKey(atom: Atom): string {
  switch (atom.kind) {
    case 'sym':
      return atom.name;
    case 'unknown':
      return `?${atom.id}`;
    case 'div':
      return `${atom.rounding}((${atom.num.key})/${atom.den})`;
  }
}

/** A symbolic (not statically known) dimension. Immutable; equal expressions have equal `key`s. */
export class SymDim {
  /** Canonical text of the expression; two dims are equal iff their keys are equal (unknowns never are). */
  readonly key: string;

  private constructor(
    /** Terms of the linear form, sorted by atom key; coefficients are non-zero integers. */
    readonly terms: readonly { readonly atom: Atom; readonly coeff: number }[],
    readonly constant: number,
  ) {
    this.key = formatLinear(terms, constant);
  }

  /** A named dimension such as `H` or `batch`. */
  static named(name: string): SymDim {
    return new SymDim([{ atom: { kind: 'sym', name }, coeff: 1 }], 0);
  }

  /** An unknown dimension (ONNX dim with neither value nor param). Never equal to any other dim. */
  static unknown(): SymDim {
    unknownCounter += 1;
    return new SymDim([{ atom: { kind: 'unknown', id: unknownCounter }, coeff: 1 }], 0);
  }

  /**
   * @internal builds a canonical form from raw terms. An expression over an unknown dim (`?7 + 16`,
   * `floor(?7/2)`) is itself a fresh unknown: no file can name it, and its text would carry the process-wide
   * counter of unknowns, so two identical builds would write different `dim_param`s. Terms that cancel
   * (`?7 - ?7`) still give their number.
   */
  static linear(terms: readonly { atom: Atom; coeff: number }[], constant: number): Dim {
    const merged = new Map<string, { atom: Atom; coeff: number }>();
    for (const term of terms) {
      const key = atomKey(term.atom);
      const existing = merged.get(key);
      merged.set(key, { atom: term.atom, coeff: (existing?.coeff ?? 0) + term.coeff });
    }
    const kept = [...merged.entries()]
      .filter(([, term]) => term.coeff !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, term]) => term);
    if (kept.length === 0) return constant;
    const [only] = kept;
    const plainUnknown = kept.length === 1 && constant === 0 && only?.coeff === 1 && only.atom.kind === 'unknown';
    if (!plainUnknown && kept.some((term) => overUnknown(term.atom))) return SymDim.unknown();
    return new SymDim(kept, constant);
  }

  /** The name when this dim is exactly one named symbol (what ONNX calls a `dim_param`). */
  get name(): string | undefined {
    const only = this.terms.length === 1 && this.constant === 0 ? this.terms[0] : undefined;
    return only !== undefined && only.coeff === 1 && only.atom.kind === 'sym' ? only.atom.name : undefined;
  }

  /** True for an ONNX dim that had neither a value nor a name. */
  get isUnknown(): boolean {
    const only = this.terms.length === 1 && this.constant === 0 ? this.terms[0] : undefined;
    return only !== undefined && only.coeff === 1 && only.atom.kind === 'unknown';
  }

  /** Evaluates with the named dims bound; undefined when a name is unbound or the dim is unknown. */
  evaluate(bindings: ReadonlyMap<string, number>): number | undefined {
    let total = this.constant;
    for (const { atom, coeff } of this.terms) {
      const value = evaluateAtom(atom, bindings);
      if (value === undefined) return undefined;
      total += coeff * value;
    }
    return total;
  }

  toString(): string {
    return this.isUnknown ? '?' : this.key;
  }
}

/** True for an unknown atom, or a division of an unknown. */
function overUnknown(atom: Atom): boolean {
  return atom.kind === 'unknown' || (atom.kind === 'div' && atom.num.isUnknown);
}

function evaluateAtom(atom: Atom, bindings: ReadonlyMap<string, number>): number | undefined {
  switch (atom.kind) {
    case 'sym':
      return bindings.get(atom.name);
    case 'unknown':
      return undefined;
    case 'div': {
      const num = atom.num.evaluate(bindings);
      if (num === undefined) return undefined;
      return atom.rounding === 'floor' ? Math.floor(num / atom.den) : Math.ceil(num / atom.den);
    }
  }
}

function formatLinear(terms: readonly { atom: Atom; coeff: number }[], constant: number): string {
  const parts: string[] = [];
  for (const { atom, coeff } of terms) {
    const text = atom.kind === 'unknown' ? `?${atom.id}` : atomKey(atom);
    const magnitude = Math.abs(coeff) === 1 ? text : `${Math.abs(coeff)}*${text}`;
    parts.push(
      parts.length === 0 ? (coeff < 0 ? `-${magnitude}` : magnitude) : `${coeff < 0 ? '-' : '+'} ${magnitude}`,
    );
  }
  if (constant !== 0)
    parts.push(parts.length === 0 ? `${constant}` : `${constant < 0 ? '-' : '+'} ${Math.abs(constant)}`);
  return parts.join(' ');
}

/** A dimension: a known non-negative integer or a symbolic expression. */
export type Dim = number | SymDim;

function termsOf(dim: Dim): { terms: readonly { atom: Atom; coeff: number }[]; constant: number } {
  return typeof dim === 'number' ? { terms: [], constant: dim } : { terms: dim.terms, constant: dim.constant };
}

/** `a + b`, simplified. */
export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const left = termsOf(a);
  const right = termsOf(b);
  return SymDim.linear([...left.terms, ...right.terms], left.constant + right.constant);
}

/** `a - b`, simplified. */
export function subDims(a: Dim, b: Dim): Dim {
  return addDims(a, mulDim(b, -1));
}

/** `a * factor` for an integer factor. */
export function mulDim(a: Dim, factor: number): Dim {
  if (typeof a === 'number') return a * factor;
  return SymDim.linear(
    a.terms.map((term) => ({ atom: term.atom, coeff: term.coeff * factor })),
    a.constant * factor,
  );
}

/** `a * b` where at least one side is known; undefined when both are symbolic (not representable). */
export function mulDims(a: Dim, b: Dim): Dim | undefined {
  if (typeof b === 'number') return mulDim(a, b);
  if (typeof a === 'number') return mulDim(b, a);
  return undefined;
}

/**
 * `floor(a / den)` or `ceil(a / den)` for a positive integer `den`.
 * Exact when every coefficient is a multiple of `den`; otherwise the multiples are pulled out of the division
 * (`floor((2H + 3)/2) = H + floor(3/2)` only when the remainder part is constant) and the rest becomes an atom.
 */
export function divDim(a: Dim, den: number, rounding: 'floor' | 'ceil'): Dim {
  if (!Number.isInteger(den) || den <= 0)
    throw new RangeError(`divDim: divisor must be a positive integer, got ${den}`);
  if (typeof a === 'number') return rounding === 'floor' ? Math.floor(a / den) : Math.ceil(a / den);
  if (den === 1) return a;
  // Pull out the parts of each coefficient (and of the constant) that are multiples of den.
  const outside: { atom: Atom; coeff: number }[] = [];
  const inside: { atom: Atom; coeff: number }[] = [];
  for (const term of a.terms) {
    const whole = Math.floor(term.coeff / den);
    if (whole !== 0) outside.push({ atom: term.atom, coeff: whole });
    const rest = term.coeff - whole * den;
    if (rest !== 0) inside.push({ atom: term.atom, coeff: rest });
  }
  const constantWhole = Math.floor(a.constant / den);
  const constantRest = a.constant - constantWhole * den;
  if (inside.length === 0) {
    const rest = rounding === 'floor' ? 0 : constantRest > 0 ? 1 : 0;
    return SymDim.linear(outside, constantWhole + rest);
  }
  const num = SymDim.linear(inside, constantRest);
  if (typeof num === 'number') return SymDim.linear(outside, constantWhole + divDimNumber(num, den, rounding));
  return SymDim.linear([...outside, { atom: { kind: 'div', rounding, num, den }, coeff: 1 }], constantWhole);
}

function divDimNumber(a: number, den: number, rounding: 'floor' | 'ceil'): number {
  return rounding === 'floor' ? Math.floor(a / den) : Math.ceil(a / den);
}

/** True when two dims are provably equal (unknown dims equal nothing). */
export function dimsEqual(a: Dim, b: Dim): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.key === b.key && !a.isUnknown;
}

/** Text of a dim for messages: `13`, `H`, `floor((H + 1)/2)`. */
export function formatDim(dim: Dim): string {
  return typeof dim === 'number' ? String(dim) : dim.toString();
}

/** Text of a shape for messages: `[1, 3, H, W]`. */
export function formatShape(shape: readonly Dim[] | null | undefined): string {
  if (shape === null || shape === undefined) return '<unknown rank>';
  return `[${shape.map(formatDim).join(', ')}]`;
}

/** Binds named dims from a concrete shape against a declared one; returns false when a known dim disagrees. */
export function bindShape(declared: readonly Dim[], actual: readonly number[], bindings: Map<string, number>): boolean {
  if (declared.length !== actual.length) return false;
  for (let i = 0; i < declared.length; i += 1) {
    const want = declared[i];
    const got = actual[i];
    if (want === undefined || got === undefined) return false;
    if (typeof want === 'number') {
      if (want !== got) return false;
      continue;
    }
    const name = want.name;
    if (name === undefined) continue;
    const bound = bindings.get(name);
    if (bound !== undefined && bound !== got) return false;
    bindings.set(name, got);
  }
  return true;
}
