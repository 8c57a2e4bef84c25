/**
 * A symbolic probe of a pooling site: evaluates the subgraph from an NCHW value `x` to a site's output at one
 * concrete size of `x`, where every element is not a number but a *form* — which elements of `x` it combines and
 * how. Data-movement ops (Transpose, Reshape, Gather, GatherND, Slice, Expand, Concat, ...) run their own reference
 * kernels on tensors of form ids, so whatever indexing an exporter wrote is followed exactly; sums, scalings and
 * means give linear forms (`Σ w·x[p] + c`), maxima give sets. Index, mask and length computations that do not read
 * `x`'s data (constants, `Shape(x)` arithmetic) are evaluated with the reference kernels. What comes out is exact:
 * comparing it with the adaptive bins proves (or disproves) that the site is adaptive pooling at that size.
 */
import { DataType, isDataType, isFloatType } from '../../ir/dtype.js';
import { SppkitError } from '../../ir/errors.js';
import type { Model } from '../../ir/graph.js';
import { sizeOf, Tensor } from '../../ir/tensor.js';
import type { Node, Value } from '../../ir/value.js';
import { runNode } from '../../ops/core/registry.js';
import { broadcastIndexMap } from '../../ops/shared/broadcast.js';

/** What one probed element combines: `pure` is one element of x; `sum` a linear form; `max` a maximum over terms. */
export interface Form {
  readonly kind: 'pure' | 'sum' | 'max';
  /** Flat index into x → weight (1 for `pure` and `max`). */
  readonly terms: ReadonlyMap<number, number>;
  /** Constant term (`sum` only). */
  readonly constant: number;
}

/** The probe's result at the site's output: its dims and one form per element (row-major). */
export type ProbeResult =
  | { readonly ok: true; readonly dims: readonly number[]; readonly forms: readonly Form[] }
  | { readonly ok: false; readonly reason: string };

/** Most form ids one probed tensor may hold, and most terms all forms together. */
export const PROBE_LIMITS = { elements: 1 << 22, terms: 1 << 23 } as const;

class ProbeFailure extends SppkitError {
  constructor(message: string) {
    super('E_PROBE', message);
  }
}

/**
 * Forms by id; ids are what data-movement kernels move around. Ids below `pure` stand for the elements of x
 * themselves (id p is x's flat element p), so probing a large x allocates nothing per element.
 */
class FormTable {
  readonly #forms: Form[] = [];
  readonly #constants = new Map<number, number>();
  #terms = 0;

  constructor(readonly pure: number) {}

  add(form: Form): number {
    this.#terms += form.terms.size;
    if (this.#terms > PROBE_LIMITS.terms) throw new ProbeFailure(`more than ${PROBE_LIMITS.terms} terms`);
    this.#forms.push(form);
    return this.pure + this.#forms.length - 1;
  }

  constant(value: number): number {
    const known = this.#constants.get(value);
    if (known !== undefined) return known;
    const id = this.add({ kind: 'sum', terms: new Map(), constant: value });
    this.#constants.set(value, id);
    return id;
  }

  get(id: number): Form {
    if (id < this.pure) return { kind: 'pure', terms: new Map([[id, 1]]), constant: 0 };
    const form = this.#forms[id - this.pure];
    if (form === undefined) throw new ProbeFailure(`internal: form ${id} is missing`);
    return form;
  }

  /** Adds `weight` × form `id` into `sum` (terms and constant); returns the form's kind. */
  accumulate(sum: { terms: Map<number, number>; constant: number }, id: number, weight: number): Form['kind'] {
    if (id < this.pure) {
      sum.terms.set(id, (sum.terms.get(id) ?? 0) + weight);
      return 'pure';
    }
    const form = this.get(id);
    for (const [p, w] of form.terms) sum.terms.set(p, (sum.terms.get(p) ?? 0) + w * weight);
    sum.constant += form.constant * weight;
    return form.kind;
  }
}

/** A probed tensor: dims and an int32 tensor of form ids. */
interface Probed {
  readonly ids: Tensor;
}

type Slot = { readonly probed: Probed } | { readonly tensor: Tensor };

const MOVEMENT = new Set([
  'Identity',
  'Transpose',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Gather',
  'GatherND',
  'GatherElements',
  'Slice',
  'Expand',
  'Concat',
  'Split',
  'Tile',
]);

function idsTensor(dims: readonly number[], ids: ArrayLike<number>): Tensor {
  if (sizeOf(dims) > PROBE_LIMITS.elements)
    throw new ProbeFailure(`a probed tensor of ${sizeOf(dims)} elements (limit ${PROBE_LIMITS.elements})`);
  return new Tensor(DataType.INT32, dims, Int32Array.from(ids));
}

function idsOf(probed: Probed): Int32Array {
  const data = probed.ids.data;
  if (!(data instanceof Int32Array)) throw new ProbeFailure('internal: form ids are not int32');
  return data;
}

function broadcastDims(shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, axis) => {
    let dim = 1;
    for (const shape of shapes) {
      const d = shape[axis - (rank - shape.length)] ?? 1;
      if (d !== 1 && dim !== 1 && d !== dim) throw new ProbeFailure(`cannot broadcast [${shapes.join('], [')}]`);
      if (d !== 1) dim = d;
    }
    return dim;
  });
}

function linear(a: Form, wa: number, b: Form | undefined, wb: number): Form {
  if (a.kind === 'max' || b?.kind === 'max') throw new ProbeFailure('a sum mixes a maximum in');
  const terms = new Map<number, number>();
  for (const [p, w] of a.terms) terms.set(p, w * wa);
  if (b !== undefined) for (const [p, w] of b.terms) terms.set(p, (terms.get(p) ?? 0) + w * wb);
  for (const [p, w] of terms) if (w === 0) terms.delete(p);
  return { kind: 'sum', terms, constant: a.constant * wa + (b === undefined ? 0 : b.constant * wb) };
}

function maximum(forms: readonly Form[]): Form {
  const terms = new Map<number, number>();
  for (const form of forms) {
    if (form.kind === 'sum' && (form.terms.size !== 0 || form.constant !== -Infinity))
      throw new ProbeFailure('a maximum mixes a sum or a constant in');
    for (const p of form.terms.keys()) terms.set(p, 1);
  }
  return { kind: 'max', terms, constant: 0 };
}

/** The probe run over the nodes between x and the target. */
class Probe {
  readonly table: FormTable;
  readonly slots = new Map<Value, Slot>();

  constructor(
    readonly model: Model,
    pure: number,
  ) {
    this.table = new FormTable(pure);
  }

  probedFrom(slot: Slot | undefined, what: string): Probed {
    if (slot === undefined) throw new ProbeFailure(`${what} has no value`);
    if ('probed' in slot) return slot.probed;
    const tensor = slot.tensor;
    if (!isFloatType(tensor.dtype)) throw new ProbeFailure(`${what} is a ${tensor.describe()} among data`);
    return {
      ids: idsTensor(
        tensor.dims,
        tensor.toNumbers().map((v) => this.table.constant(v)),
      ),
    };
  }

  run(node: Node): void {
    const opset = this.model.opset;
    const slots = node.inputs.map((value): Slot | undefined => {
      if (value === null) return undefined;
      const known = this.slots.get(value);
      return known ?? (value.constValue === null ? undefined : { tensor: value.constValue });
    });
    const missing = node.inputs.findIndex((value, i) => value !== null && slots[i] === undefined);
    if (missing >= 0) throw new ProbeFailure(`${node.label()} reads '${node.inputs[missing]?.name ?? ''}' (no value)`);
    const probedAt = slots.flatMap((slot, i) => (slot !== undefined && 'probed' in slot ? [i] : []));
    const set = (results: readonly Slot[]): void =>
      node.outputs.forEach((output, i) => {
        const slot = results[i];
        if (slot !== undefined) this.slots.set(output, slot);
      });
    const tensors = (): (Tensor | null)[] =>
      slots.map((slot) => (slot === undefined ? null : 'probed' in slot ? slot.probed.ids : slot.tensor));
    if (probedAt.length === 0) {
      set(runNode(node, opset, tensors(), node.outputs.length).map((tensor) => ({ tensor })));
      return;
    }
    const op = node.opType;
    if (op === 'Shape' || op === 'Size') {
      const ids = slots.map((slot) => (slot === undefined ? null : 'probed' in slot ? slot.probed.ids : slot.tensor));
      set(runNode(node, opset, ids, 1).map((tensor) => ({ tensor })));
      return;
    }
    if (op === 'Cast') {
      const to = node.attributes.get('to');
      const target = to?.kind === 'int' ? Number(to.value) : undefined;
      if (target === undefined || !isDataType(target) || !isFloatType(target))
        throw new ProbeFailure(`${node.label()} casts data to a non-float type`);
      set(probedAt.map((i) => ({ probed: this.probedFrom(slots[i], node.label()) })));
      return;
    }
    if (MOVEMENT.has(op)) {
      const dataSlots = op === 'Concat' ? slots.map((_, i) => i) : [0];
      if (probedAt.some((i) => !dataSlots.includes(i)))
        throw new ProbeFailure(`${node.label()} uses data as indices or a shape`);
      const inputs = slots.map((slot, i) =>
        slot === undefined
          ? null
          : dataSlots.includes(i)
            ? this.probedFrom(slot, `input ${i} of ${node.label()}`).ids
            : 'probed' in slot
              ? slot.probed.ids
              : slot.tensor,
      );
      set(runNode(node, opset, inputs, node.outputs.length).map((ids) => ({ probed: { ids } })));
      return;
    }
    set([{ probed: this.arithmetic(node, slots) }]);
  }

  arithmetic(node: Node, slots: readonly (Slot | undefined)[]): Probed {
    const op = node.opType;
    const numeric = (i: number): Tensor | undefined => {
      const slot = slots[i];
      return slot !== undefined && 'tensor' in slot ? slot.tensor : undefined;
    };
    if (op === 'Where') {
      const condition = numeric(0);
      if (condition === undefined) throw new ProbeFailure(`${node.label()} selects on data`);
      const [a, b] = [1, 2].map((i) => this.probedFrom(slots[i], `input ${i} of ${node.label()}`).ids);
      const [ids] = runNode(node, this.model.opset, [condition, a ?? null, b ?? null], 1);
      if (ids === undefined) throw new ProbeFailure(`${node.label()} gave no output`);
      return { ids };
    }
    if (op === 'Add' || op === 'Sub' || op === 'Max') {
      const operands = slots.map((slot, i) => this.probedFrom(slot, `input ${i} of ${node.label()}`));
      const dims = broadcastDims(operands.map((p) => p.ids.dims));
      const maps = operands.map((p) => broadcastIndexMap(p.ids.dims, dims));
      const size = sizeOf(dims);
      const out = new Int32Array(size);
      for (let o = 0; o < size; o += 1) {
        const forms = operands.map((p, k) => this.table.get(idsOf(p)[maps[k]?.[o] ?? 0] ?? 0));
        const [a, b] = forms;
        if (a === undefined) throw new ProbeFailure(`${node.label()} has no inputs`);
        out[o] = this.table.add(op === 'Max' ? maximum(forms) : linear(a, 1, b, op === 'Sub' ? -1 : 1));
      }
      return { ids: idsTensor(dims, out) };
    }
    if (op === 'Mul' || op === 'Div') {
      const factorAt = numeric(1) !== undefined ? 1 : op === 'Mul' && numeric(0) !== undefined ? 0 : -1;
      const factor = numeric(factorAt);
      if (factor === undefined) throw new ProbeFailure(`${node.label()} multiplies data by data`);
      const data = this.probedFrom(slots[1 - factorAt], node.label());
      const dims = broadcastDims([data.ids.dims, factor.dims]);
      const [dataMap, factorMap] = [broadcastIndexMap(data.ids.dims, dims), broadcastIndexMap(factor.dims, dims)];
      const values = factor.toNumbers();
      const out = new Int32Array(sizeOf(dims));
      for (let o = 0; o < out.length; o += 1) {
        const k = values[factorMap[o] ?? 0] ?? NaN;
        out[o] = this.table.add(
          linear(this.table.get(idsOf(data)[dataMap[o] ?? 0] ?? 0), op === 'Mul' ? k : 1 / k, undefined, 0),
        );
      }
      return { ids: idsTensor(dims, out) };
    }
    if (op === 'ReduceMean' || op === 'ReduceSum' || op === 'ReduceMax') return this.reduce(node, slots);
    throw new ProbeFailure(`${node.label()} is not data movement, a sum or a maximum`);
  }

  reduce(node: Node, slots: readonly (Slot | undefined)[]): Probed {
    const data = this.probedFrom(slots[0], node.label());
    const rank = data.ids.dims.length;
    const attribute = node.attributes.get('axes');
    const axesSlot = slots[1];
    const listed =
      axesSlot !== undefined && 'tensor' in axesSlot
        ? axesSlot.tensor.toNumbers()
        : attribute?.kind === 'ints'
          ? attribute.value.map(Number)
          : [];
    const keep = node.attributes.get('keepdims');
    const keepdims = keep?.kind === 'int' ? Number(keep.value) === 1 : true;
    const noop = node.attributes.get('noop_with_empty_axes');
    if (listed.length === 0 && noop?.kind === 'int' && Number(noop.value) === 1) return data;
    const axes = new Set(
      (listed.length === 0 ? data.ids.dims.map((_, i) => i) : listed).map((a) => (a < 0 ? a + rank : a)),
    );
    const dims = data.ids.dims;
    const outDims = dims.flatMap((dim, axis) => (axes.has(axis) ? (keepdims ? [1] : []) : [dim]));
    const groups = Array.from({ length: sizeOf(outDims) }, (): number[] => []);
    const ids = idsOf(data);
    const counter = new Array<number>(rank).fill(0);
    for (let i = 0; i < ids.length; i += 1) {
      let out = 0;
      for (let axis = 0; axis < rank; axis += 1)
        if (!axes.has(axis)) out = out * (dims[axis] ?? 1) + (counter[axis] ?? 0);
      groups[out]?.push(ids[i] ?? 0);
      for (let axis = rank - 1; axis >= 0; axis -= 1) {
        counter[axis] = (counter[axis] ?? 0) + 1;
        if ((counter[axis] ?? 0) < (dims[axis] ?? 1)) break;
        counter[axis] = 0;
      }
    }
    const max = node.opType === 'ReduceMax';
    const out = groups.map((group) => {
      const sum = { terms: new Map<number, number>(), constant: 0 };
      const weight = node.opType === 'ReduceMean' ? 1 / group.length : 1;
      for (const id of group) {
        const kind = this.table.accumulate(sum, id, max ? 1 : weight);
        if (max ? kind === 'sum' : kind === 'max')
          throw new ProbeFailure(
            `${node.label()} mixes a ${max ? 'sum' : 'maximum'} into a ${max ? 'maximum' : 'sum'}`,
          );
      }
      if (max) for (const p of sum.terms.keys()) sum.terms.set(p, 1);
      return this.table.add({ kind: max ? 'max' : 'sum', terms: sum.terms, constant: sum.constant });
    });
    return { ids: idsTensor(outDims, out) };
  }
}

/** The nodes `target` depends on, down to (not above) `x`, in graph order; or the graph input they would need. */
function siteNodes(model: Model, x: Value, target: Value, feeds: ReadonlyMap<Value, Tensor>): Node[] | string {
  const needed = new Set<Node>();
  const stack = [target];
  for (let value = stack.pop(); value !== undefined; value = stack.pop()) {
    if (value === x || value.constValue !== null || feeds.has(value)) continue;
    const producer = value.producer();
    if (producer === null) return `it reads graph input '${value.name}' besides '${x.name}'`;
    if (needed.has(producer)) continue;
    needed.add(producer);
    for (const input of producer.inputs) if (input !== null) stack.push(input);
  }
  return model.graph.nodes.filter((node) => needed.has(node));
}

/**
 * Probes the site from `x` (at `xDims`) to `target`. `feeds` gives other graph inputs the site reads (typically
 * only their shape, when an exporter computed the window bounds from the model input's size rather than x's).
 */
export function probeSite(
  model: Model,
  x: Value,
  xDims: readonly number[],
  target: Value,
  feeds: ReadonlyMap<Value, Tensor> = new Map(),
): ProbeResult {
  const nodes = siteNodes(model, x, target, feeds);
  if (typeof nodes === 'string') return { ok: false, reason: nodes };
  const size = sizeOf(xDims);
  const probe = new Probe(model, size);
  for (const [input, tensor] of feeds) if (input !== x) probe.slots.set(input, { tensor });
  try {
    probe.slots.set(x, {
      probed: {
        ids: idsTensor(
          xDims,
          Array.from({ length: size }, (_, p) => p),
        ),
      },
    });
    for (const node of nodes) probe.run(node);
    const slot = probe.slots.get(target);
    if (slot === undefined || !('probed' in slot))
      return { ok: false, reason: `'${target.name}' does not read the data` };
    const forms = Array.from(idsOf(slot.probed), (id) => probe.table.get(id));
    return { ok: true, dims: slot.probed.ids.dims, forms };
  } catch (error) {
    if (error instanceof SppkitError) return { ok: false, reason: error.message };
    throw error;
  }
}
