/**
 * The types rule checks see: a value's declared type, else what shape inference gives, computed on demand and
 * remembered (never stored on the value). Where inference fails, the reason is remembered too and handed to the
 * check that asks (`input 'x' has no known type: <why>`); values downstream of an untyped one carry the same
 * root reason. A node of an op sppkit does not know simply leaves its outputs untyped (its reason says so).
 *
 * The view is kept up to date by the rewrite engine: replacements arrive typed, and `invalidate` forgets what was
 * derived from a failure downstream of a rewritten value. Inference walks producers with an explicit stack, so
 * deep graphs do not exhaust the call stack.
 */
import { SppkitError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import { formatType, type Node, type TensorType, type Value } from '../../ir/value.js';
import { inferNodeTypes } from '../passes/infer-shapes.js';

/** A value's type as far as inference can tell, or why it cannot. */
export type TypeFact =
  { readonly known: true; readonly type: TensorType } | { readonly known: false; readonly why: string };

/** Lazily inferred, remembered types of a model's values. */
export class TypeView {
  readonly #facts = new WeakMap<Value, TypeFact>();

  constructor(readonly model: Model) {}

  /** The type of `value`: declared, or inferred from its producers; or why it is not known. */
  typeOf(value: Value): TypeFact {
    const declared = this.#declared(value);
    if (declared !== undefined) return declared;
    const producer = value.producer();
    if (producer === null) return { known: false, why: `'${value.name}' is a graph input that declares no type` };
    this.#inferUpTo(producer);
    return this.#facts.get(value) ?? { known: false, why: `${producer.label()} gave no type for '${value.name}'` };
  }

  /**
   * Forgets failures derived from `values` (their uses, transitively through other failures), after a rewrite
   * replaced what computed them. Successful facts stay: a rewrite never changes what a value computes.
   */
  invalidate(values: Iterable<Value>): void {
    const stack = [...values];
    while (stack.length > 0) {
      const value = stack.pop();
      if (value === undefined) break;
      for (const user of value.consumers()) {
        for (const output of user.outputs) {
          if (this.#facts.get(output)?.known !== false) continue;
          this.#facts.delete(output);
          stack.push(output);
        }
      }
    }
  }

  #declared(value: Value): TypeFact | undefined {
    if (value.type !== null) return { known: true, type: value.type };
    return this.#facts.get(value);
  }

  /** Infers `target` and the untyped producers it depends on, deepest first, without recursion. */
  #inferUpTo(target: Node): void {
    // Depth-first without recursion: a node is inferred when it comes back to the top of the stack after its
    // producers (pushed above it when it was first expanded) are done.
    const stack: Node[] = [target];
    const expanded = new Set<Node>();
    while (stack.length > 0) {
      const node = stack[stack.length - 1];
      if (node === undefined) break;
      if (node.outputs.every((output) => this.#declared(output) !== undefined)) {
        stack.pop();
        continue;
      }
      if (expanded.has(node)) {
        stack.pop();
        this.#inferNode(node);
        continue;
      }
      expanded.add(node);
      for (const input of node.inputs) {
        const producer = input?.producer() ?? null;
        // An expanded producer is done, or (only in a cyclic graph) waiting below: never pushed twice.
        if (input !== null && producer !== null && !expanded.has(producer) && this.#declared(input) === undefined)
          stack.push(producer);
      }
    }
  }

  /** Infers one node whose inputs' facts are known (or cannot be). */
  #inferNode(node: Node): void {
    const unknown = node.inputs
      .map((input) => (input === null ? undefined : this.#inputFact(input)))
      .find((fact): fact is { known: false; why: string } => fact !== undefined && !fact.known);
    let inferred: (TensorType | null)[];
    try {
      inferred = inferNodeTypes(node, this.model.opset, (value) => {
        const fact = this.#declared(value);
        return fact?.known === true ? fact.type : null;
      });
    } catch (error) {
      // Inference refused the node (unknown op, bad attributes, untyped input): the reason is kept.
      if (!(error instanceof SppkitError)) throw error;
      const why = unknown?.why ?? `${node.label()} cannot be typed: ${error.message}`;
      for (const output of node.outputs) if (output.type === null) this.#facts.set(output, { known: false, why });
      return;
    }
    node.outputs.forEach((output, index) => {
      if (output.type !== null) return;
      const type = inferred[index] ?? null;
      this.#facts.set(
        output,
        type === null
          ? { known: false, why: unknown?.why ?? `${node.label()} does not tell the type of '${output.name}'` }
          : { known: true, type },
      );
    });
  }

  /** The fact of an input of a node being inferred (its producers are done already). */
  #inputFact(value: Value): TypeFact {
    const fact = this.#declared(value);
    if (fact !== undefined) return fact;
    return value.producer() === null
      ? { known: false, why: `'${value.name}' is a graph input that declares no type` }
      : { known: false, why: `'${value.name}' has no known type` };
  }
}

/** Text of a type fact for messages. */
export function describeFact(fact: TypeFact): string {
  return fact.known ? formatType(fact.type) : `<unknown type: ${fact.why}>`;
}
