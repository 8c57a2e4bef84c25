/**
 * Rewrite patterns, written with a builder whose methods mirror GraphBuilder's (`p.maxPool(x)`, `p.concat([...])`):
 *
 *   const p = new PatternBuilder();
 *   const x = p.input('x');
 *   p.outputs(p.maxPool(x, { name: 'small' }), p.maxPool(x, { name: 'mid' }), p.maxPool(x, { name: 'large' }));
 *
 * A pattern says which ops are connected how; it does not constrain attributes. Attribute and constant checks
 * belong to the rule's `check`, which can say why it refuses. A pattern node may accept several op types
 * (`p.op(['MaxPool', 'AveragePool'], [x])`), extra trailing inputs (Reshape's shape), or a variadic list of
 * inputs that each match one sub-pattern (`p.concatEach((item, x) => item.flatten(item.maxPool(x)))`).
 */

/** A value in a pattern: a wildcard input, or an output of a pattern node. */
export type PatternValue =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'output'; readonly node: PatternNode; readonly index: number };

/** Each actual input of a variadic pattern node matches `pattern` (whose one output stands for that input). */
export interface RepeatedInput {
  readonly pattern: Pattern;
  /** Fewest actual inputs accepted. */
  readonly min: number;
}

/** One node of a pattern. */
export interface PatternNode {
  /** Key of the matched graph node in `Match.nodes` (unique within its pattern). */
  readonly name: string;
  /** Accepted op types (default domain). */
  readonly opTypes: readonly string[];
  readonly inputs: readonly PatternValue[];
  /** Accept graph nodes with more inputs than listed (the extra ones are bound as `<name>.in<i>`). */
  readonly extraInputs: boolean;
  /** Instead of `inputs`: every actual input matches this sub-pattern. */
  readonly repeated: RepeatedInput | null;
}

/** A finished pattern: its nodes (in the order written) and the values it produces. */
export interface Pattern {
  readonly nodes: readonly PatternNode[];
  readonly outputs: readonly PatternValue[];
  /** Names of the wildcard inputs. */
  readonly inputs: readonly string[];
}

/** Options of a pattern node. */
export interface PatternNodeOptions {
  /** Key in `Match.nodes` (default: op type, made unique with a counter). */
  readonly name?: string;
  /** Accept extra trailing inputs. */
  readonly extraInputs?: boolean;
}

/** Builds a pattern with GraphBuilder-like methods. */
export class PatternBuilder {
  readonly #nodes: PatternNode[] = [];
  readonly #inputs: string[] = [];
  #outputs: PatternValue[] = [];

  /** A wildcard: matches any value; the same wildcard must match the same value everywhere. */
  input(name: string): PatternValue {
    if (!this.#inputs.includes(name)) this.#inputs.push(name);
    return { kind: 'input', name };
  }

  /** A node of one of `opTypes` on `inputs`; returns its first output. */
  op(
    opTypes: string | readonly string[],
    inputs: readonly PatternValue[],
    options: PatternNodeOptions = {},
  ): PatternValue {
    return { kind: 'output', node: this.addNode(opTypes, inputs, null, options), index: 0 };
  }

  /** A node whose every input matches `item` (built on a fresh builder that shares this one's wildcards by name). */
  each(
    opTypes: string | readonly string[],
    item: (p: PatternBuilder) => PatternValue,
    options: PatternNodeOptions & { readonly min?: number } = {},
  ): PatternValue {
    const sub = new PatternBuilder();
    sub.outputs(item(sub));
    const pattern = sub.build();
    // The item's wildcards are shared with this pattern (one `x` for every item).
    for (const name of pattern.inputs) if (!this.#inputs.includes(name)) this.#inputs.push(name);
    return { kind: 'output', node: this.addNode(opTypes, [], { pattern, min: options.min ?? 1 }, options), index: 0 };
  }

  maxPool(x: PatternValue, options?: PatternNodeOptions): PatternValue {
    return this.op('MaxPool', [x], options);
  }

  averagePool(x: PatternValue, options?: PatternNodeOptions): PatternValue {
    return this.op('AveragePool', [x], options);
  }

  conv(x: PatternValue, weight: PatternValue, options?: PatternNodeOptions): PatternValue {
    return this.op('Conv', [x, weight], { extraInputs: true, ...options });
  }

  batchNormalization(
    x: PatternValue,
    scale: PatternValue,
    bias: PatternValue,
    mean: PatternValue,
    variance: PatternValue,
    options?: PatternNodeOptions,
  ): PatternValue {
    return this.op('BatchNormalization', [x, scale, bias, mean, variance], options);
  }

  concat(values: readonly PatternValue[], options?: PatternNodeOptions): PatternValue {
    return this.op('Concat', values, options);
  }

  /** Declares the pattern's outputs (the values a replacement must provide, in order). */
  outputs(...values: PatternValue[]): void {
    this.#outputs = values;
  }

  /** The finished pattern. */
  build(): Pattern {
    if (this.#outputs.length === 0) throw new Error('pattern: no outputs declared');
    return { nodes: [...this.#nodes], outputs: [...this.#outputs], inputs: [...this.#inputs] };
  }

  private addNode(
    opTypes: string | readonly string[],
    inputs: readonly PatternValue[],
    repeated: RepeatedInput | null,
    options: PatternNodeOptions,
  ): PatternNode {
    const types = typeof opTypes === 'string' ? [opTypes] : [...opTypes];
    const base = options.name ?? types[0] ?? 'node';
    let name = base;
    for (let i = 1; this.#nodes.some((node) => node.name === name); i += 1) name = `${base}_${i}`;
    const node: PatternNode = {
      name,
      opTypes: types,
      inputs: [...inputs],
      extraInputs: options.extraInputs ?? false,
      repeated,
    };
    this.#nodes.push(node);
    return node;
  }
}
