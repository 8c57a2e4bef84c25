/**
 * `opset=N`: converts the default-domain opset between 13 and 23 for the ops sppkit implements.
 *
 * The differences are read from the op schemas (src/ops), not listed by hand:
 *   - an attribute that became an input (an IoSpec's `fromAttribute`: ReduceMax/ReduceMean `axes` at 18) moves to
 *     a constant input when upgrading, and back to the attribute when downgrading (refused when the input is
 *     computed at run time);
 *   - an attribute the target opset lacks (AveragePool `dilations` before 19, Cast `saturate` before 19,
 *     Split `num_outputs` before 18, Shape `start`/`end` before 15) is dropped when it has its default value
 *     (or, for `num_outputs`, when the split is even over a static axis) and refused otherwise; an op that gains
 *     `num_outputs` (Split from 18) gets it when upgrading a split that has no sizes;
 *   - an input the target opset lacks (Pad `axes` before 18) is refused when given.
 * Ops sppkit does not know, ops missing at the target opset, and other domains' nodes are refused by name; the
 * model is left unchanged when anything is refused. Other domains' opset imports are kept as they are.
 */
import { inputsAt, versionAt, type IoSpec, type OpDef } from '../../ops/core/op.js';
import { findOp, inferNode } from '../../ops/core/registry.js';
import { attributeInputType } from '../../ops/core/types.js';
import { Attr, type Attribute } from '../../ir/attribute.js';
import type { Dim } from '../../ir/dim.js';
import { isDefaultDomain, type Model } from '../../ir/graph.js';
import { constantOf } from '../rewrite/helpers.js';
import { tensorFromNumbers, type Tensor } from '../../ir/tensor.js';
import type { Node, TensorType, Value } from '../../ir/value.js';
import { irVersionForOpset } from '../../ir/versions.js';
import type { Pass, PassResult } from './pass.js';

/** The opsets this pass converts between. */
export const OPSET_RANGE = { min: 13, max: 23 } as const;

type Spec = OpDef['attributes'][string];

const exists = (spec: { readonly since?: number; readonly until?: number }, opset: number): boolean =>
  (spec.since === undefined || opset >= spec.since) && (spec.until === undefined || opset <= spec.until);

/** Split's attribute that says how many equal parts (from 18, where the sizes or it must be given). */
const NUM_OUTPUTS = 'num_outputs';

/** The input that replaced attribute `name` of `op` (its IoSpec's `fromAttribute`), if one did. */
function inputFromAttribute(op: OpDef, name: string): (IoSpec & { readonly since: number }) | undefined {
  const io = op.inputs.find((input) => input.fromAttribute === name);
  return io?.since === undefined ? undefined : { ...io, since: io.since };
}

/** The spec of the attribute named `onnxName` (ONNX spelling). */
function attributeSpec(op: OpDef, onnxName: string): Spec | undefined {
  return Object.values(op.attributes).find((spec) => spec.onnxName === onnxName);
}

/**
 * An attribute's values as the constant input that replaced it (`axes` → an int64 vector; a float scalar
 * attribute → a scalar of `sibling`, the data's type); undefined for a kind that carries no numbers.
 */
function attributeTensor(
  op: OpDef,
  io: IoSpec,
  opset: number,
  attribute: Attribute,
  sibling: TensorType | null,
): Tensor | undefined {
  const values =
    attribute.kind === 'ints'
      ? attribute.value.map(Number)
      : attribute.kind === 'int'
        ? [Number(attribute.value)]
        : attribute.kind === 'float'
          ? [attribute.value]
          : undefined;
  if (values === undefined) return undefined;
  const dtype = attributeInputType(op, io, opset, values, sibling?.dtype);
  if (dtype === undefined) return undefined;
  return tensorFromNumbers(dtype, attribute.kind === 'ints' ? [values.length] : [], values);
}

/** A constant input's values as the attribute it replaced (a vector → ints; a scalar → the spec's own kind). */
function inputAttribute(spec: Spec, constant: Tensor): Attribute | undefined {
  const values = constant.toNumbers();
  return constant.dims.length === 0 ? spec.serialize(values[0]) : Attr.ints(values);
}

function equalsDefault(spec: Spec, node: Node, name: string, opset: number): boolean {
  const attribute = node.attributes.get(name);
  if (attribute === undefined) return true;
  if (name === 'dilations' && attribute.kind === 'ints') return attribute.value.every((d) => d === 1n);
  try {
    return spec.serialize(spec.parse(attribute, { node, opset })) === undefined;
  } catch {
    return false;
  }
}

/** A node input after conversion: an existing value, or a new int64 constant (an attribute that became an input). */
type PlannedInput = { readonly value: Value | null } | { readonly tensor: Tensor; readonly name: string };

/** A node as it will be at the target opset. */
interface NodePlan {
  readonly node: Node;
  readonly attributes: Map<string, Attribute>;
  readonly inputs: PlannedInput[];
  readonly edits: number;
}

function splitAxisSize(node: Node, typeOf: (value: Value) => TensorType | null): Dim | undefined {
  const input = node.inputs[0];
  const shape = input === null || input === undefined ? null : typeOf(input)?.shape;
  const axisAttr = node.attributes.get('axis');
  const axis = axisAttr?.kind === 'int' ? Number(axisAttr.value) : 0;
  return shape === null || shape === undefined ? undefined : shape[axis < 0 ? axis + shape.length : axis];
}

/** Plans one node's conversion, or says why it cannot be converted. */
function planNode(
  node: Node,
  from: number,
  to: number,
  typeOf: (value: Value) => TensorType | null,
): NodePlan | string {
  const label = node.label();
  const op = findOp(node.domain, node.opType);
  if (op === undefined)
    return (
      `${label}: ${node.opType} is not implemented by sppkit, ` +
      `so its changes between opsets ${from} and ${to} are unknown`
    );
  if (versionAt(op, to) === undefined) return `${label}: ${node.opType} does not exist at opset ${to}`;
  const attributes = new Map(node.attributes);
  const inputs: PlannedInput[] = node.inputs.map((value) => ({ value }));
  let edits = 0;
  for (const [name, attribute] of node.attributes) {
    const spec = attributeSpec(op, name);
    if (spec === undefined) return `${label}: attribute '${name}' is not in sppkit's schema of ${node.opType}`;
    if (exists(spec, to)) continue;
    edits += 1;
    attributes.delete(name);
    const moved = inputFromAttribute(op, name);
    if (moved !== undefined && from < moved.since && moved.since <= to) {
      const index = inputsAt(op, to).findIndex((io) => io.name === moved.name);
      const first = node.inputs[0];
      const tensor = attributeTensor(
        op,
        moved,
        to,
        attribute,
        first === null || first === undefined ? null : typeOf(first),
      );
      if (tensor === undefined)
        return `${label}: attribute '${name}' (${attribute.kind}) cannot become input '${moved.name}' at opset ${to}`;
      while (inputs.length < index) inputs.push({ value: null });
      inputs.splice(index, 0, { tensor, name: `${node.name || node.opType}_${name}` });
      continue;
    }
    if (name === NUM_OUTPUTS && attribute.kind === 'int' && node.inputs[1] === undefined) {
      const size = splitAxisSize(node, typeOf);
      const parts = Number(attribute.value);
      if (typeof size === 'number' && size % parts === 0 && node.outputs.length === parts) continue;
      return (
        `${label}: num_outputs ${attribute.value} needs opset ${spec.since ?? '?'} unless the split is even over a ` +
        `static axis (axis size ${String(size)})`
      );
    }
    if (equalsDefault(spec, node, name, from)) continue;
    return `${label}: attribute '${name}' is not available at opset ${to} and is not at its default value`;
  }
  // An op that gained num_outputs (Split from 18) needs the sizes or num_outputs: a split without sizes gets it.
  const numOutputs = attributeSpec(op, NUM_OUTPUTS);
  if (
    numOutputs !== undefined &&
    exists(numOutputs, to) &&
    (node.inputs[1] ?? null) === null &&
    !attributes.has(NUM_OUTPUTS)
  ) {
    attributes.set(NUM_OUTPUTS, Attr.int(node.outputs.length));
    edits += 1;
  }
  const formal = inputsAt(op, to);
  const variadic = formal.some((io) => io.variadic === true);
  for (const [index, input] of node.inputs.entries()) {
    if (formal[index] !== undefined || variadic || input === null) continue;
    const io = inputsAt(op, from)[index];
    const name = io?.fromAttribute;
    const spec = name === undefined ? undefined : attributeSpec(op, name);
    const constant = constantOf(input);
    if (io?.since !== undefined && spec !== undefined && to < io.since && io.since <= from && index === formal.length) {
      if (constant === undefined)
        return (
          `${label}: input ${index} ('${input.name}') is computed at run time; ` +
          `opset ${to} needs '${name}' as a constant attribute`
        );
      const attribute = inputAttribute(spec, constant);
      if (attribute !== undefined) attributes.set(spec.onnxName, attribute);
      inputs.splice(index);
      edits += 1;
      continue;
    }
    return `${label}: input ${index} ('${input.name}') does not exist at opset ${to}`;
  }
  if (
    inputs.length > formal.length &&
    !variadic &&
    inputs.slice(formal.length).every((i) => 'value' in i && i.value === null)
  )
    inputs.splice(formal.length);
  return { node, attributes, inputs, edits };
}

/** Applies a plan to its node. */
function applyPlan(model: Model, plan: NodePlan): void {
  const { node } = plan;
  const graph = model.graph;
  node.attributes = plan.attributes;
  const values = plan.inputs.map((input) =>
    'value' in input ? input.value : graph.addInitializer(graph.uniqueName(input.name), input.tensor),
  );
  node.truncateInputs(0);
  for (const value of values) node.appendInput(value);
}

/** Converts the model's default-domain opset to `to` (in place); refused (model unchanged) with the reason. */
export function convertOpset(
  model: Model,
  to: number,
): { ok: true; changed: boolean; notes: string[] } | { ok: false; blocker: string } {
  const from = model.opset;
  if (from === to) return { ok: true, changed: false, notes: [`already at opset ${to}`] };
  for (const opset of [from, to]) {
    if (opset < OPSET_RANGE.min || opset > OPSET_RANGE.max)
      return {
        ok: false,
        blocker: `opset ${opset} is outside ${OPSET_RANGE.min}..${OPSET_RANGE.max}, the range this pass converts`,
      };
  }
  // Plan every node, and check each planned node with the target opset's schema and type rules.
  const types = new Map<Value, TensorType | null>();
  const typeOf = (value: Value): TensorType | null => (types.has(value) ? (types.get(value) ?? null) : value.type);
  const plans: NodePlan[] = [];
  for (const node of model.graph.nodes) {
    if (!isDefaultDomain(node.domain)) continue;
    const plan = planNode(node, from, to, typeOf);
    if (typeof plan === 'string') return { ok: false, blocker: plan };
    const inputTypes = plan.inputs.map((input) =>
      'value' in input
        ? input.value === null
          ? null
          : typeOf(input.value)
        : { dtype: input.tensor.dtype, shape: [...input.tensor.dims] },
    );
    const constant = (index: number): Tensor | undefined => {
      const input = plan.inputs[index];
      return input === undefined ? undefined : 'value' in input ? constantOf(input.value) : input.tensor;
    };
    try {
      const inferred = inferNode(
        { opType: node.opType, name: node.name, domain: node.domain, attributes: plan.attributes },
        to,
        inputTypes,
        node.outputs.length,
        constant,
      );
      node.outputs.forEach((output, index) => types.set(output, output.type ?? inferred[index] ?? null));
    } catch (error) {
      return { ok: false, blocker: `at opset ${to}: ${error instanceof Error ? error.message : String(error)}` };
    }
    plans.push(plan);
  }
  const edited = plans.filter((plan) => plan.edits > 0);
  for (const plan of edited) applyPlan(model, plan);
  const key = model.opsetImports.has('') ? '' : 'ai.onnx';
  model.opsetImports.set(key, to);
  const minimumIr = irVersionForOpset(to);
  model.irVersion = to > from ? Math.max(model.irVersion, minimumIr) : minimumIr;
  return {
    ok: true,
    changed: true,
    notes: [`opset ${from} -> ${to} (${edited.length} node(s) edited), ir_version ${model.irVersion}`],
  };
}

/** The `opset=N` pass. */
export function opsetPass(target: number): Pass {
  return {
    name: `opset=${target}`,
    description:
      `convert the default-domain opset to ${target} ` +
      `(${OPSET_RANGE.min}..${OPSET_RANGE.max}, ops sppkit implements)`,
    inPlace: true,
    run(model: Model): PassResult {
      const result = convertOpset(model, target);
      if (!result.ok) return { model, modified: false, notes: [`left unchanged: ${result.blocker}`] };
      return { model, modified: result.changed, notes: result.notes };
    },
  };
}
