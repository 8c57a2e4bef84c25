/**
 * The one generic type check of a node: each actual input's element type must be admitted by its formal input's
 * type variable at the model's opset, and all inputs naming one variable must have one element type. The registry
 * runs it before shape inference and before a reference kernel, so op files carry no dtype checks of their own.
 */
import { DataType, dtypeName } from '../../ir/dtype.js';
import { describeNode, OpError, UnsupportedError, type NodeRef } from '../../ir/errors.js';
import { inputsAt, type IoSpec, type OpDef, type TypeConstraint } from './op.js';

/** A `since` map from `{ opset: the types added at that opset }`: `addedAt({ 13: [DataType.BFLOAT16] })`. */
export function addedAt(added: Readonly<Record<number, readonly DataType[]>>): Map<DataType, number> {
  const since = new Map<DataType, number>();
  for (const [opset, types] of Object.entries(added)) for (const dtype of types) since.set(dtype, Number(opset));
  return since;
}

/** The element types `constraint` admits at `opset`, in declaration order. */
export function typesAt(constraint: TypeConstraint, opset: number): DataType[] {
  return constraint.types.filter((dtype) => (constraint.since?.get(dtype) ?? 0) <= opset);
}

/** The type variable an input names at `opset`: a variable split off another one is that one before the split. */
export function variableAt(op: OpDef, io: IoSpec, opset: number): string {
  const split = op.types[io.type]?.splitFrom;
  return split !== undefined && opset < split.since ? split.variable : io.type;
}

/** The constraint of a variable, failing (a bug in the op file) when the op does not declare it. */
export function constraintOf(op: OpDef, variable: string): TypeConstraint {
  const constraint = op.types[variable];
  if (constraint === undefined) {
    const known = Object.keys(op.types).join(', ');
    throw new TypeError(`${op.opType}: type variable '${variable}' is not declared (declared: ${known})`);
  }
  return constraint;
}

/**
 * The element type of the constant input that carries an attribute's values for `io` (an input with
 * `fromAttribute`, where the opset has the input): the variable's only type at `opset` (int64 axes), else
 * `sibling`, the type of another input naming the same variable (Pad's `value` takes the data's type), else int64
 * for integer values where the variable admits it (an ONNX `ints` attribute is int64). Undefined when none applies.
 */
export function attributeInputType(
  op: OpDef,
  io: IoSpec,
  opset: number,
  values: readonly number[],
  sibling: DataType | undefined,
): DataType | undefined {
  const allowed = typesAt(constraintOf(op, variableAt(op, io, opset)), opset);
  if (allowed.length === 1) return allowed[0];
  if (sibling !== undefined) return sibling;
  const integral = values.every((value) => Number.isInteger(value));
  return integral && allowed.includes(DataType.INT64) ? DataType.INT64 : undefined;
}

/** The formal input each actual input binds to at `opset` (a trailing variadic input takes the rest). */
export function formalInputs(op: OpDef, opset: number, count: number): (IoSpec | undefined)[] {
  const formal = inputsAt(op, opset);
  const last = formal[formal.length - 1];
  return Array.from({ length: count }, (_, index) =>
    index < formal.length ? formal[index] : last?.variadic === true ? last : undefined,
  );
}

/** One actual input, as the messages name it. */
interface Bound {
  readonly index: number;
  readonly io: IoSpec;
  readonly dtype: DataType;
}

function allowedText(types: readonly DataType[]): string {
  return types.map(dtypeName).join(', ');
}

/** Refuses an input whose element type its variable does not admit at `opset`. */
function checkAdmitted(node: NodeRef, op: OpDef, opset: number, input: Bound): void {
  const variable = variableAt(op, input.io, opset);
  const constraint = constraintOf(op, variable);
  const allowed = typesAt(constraint, opset);
  const where = `input ${input.index}`;
  const what = `${input.io.name} (${where})`;
  const type = dtypeName(input.dtype);
  if (!allowed.includes(input.dtype)) {
    const since = constraint.since?.get(input.dtype);
    const later = since === undefined ? '' : `; ${op.opType} accepts ${type} from opset ${since}`;
    const [only] = allowed;
    const detail =
      allowed.length === 1 && only !== undefined
        ? `${input.io.name} must be ${dtypeName(only)}, got ${type} (${where}, type variable ${variable} ` +
          `at opset ${opset}${later})`
        : `${what} has type ${type}, but only ${allowedText(allowed)} are allowed ` +
          `for type variable ${variable} at opset ${opset}${later}`;
    throw new OpError(node, detail, 'E_TYPE');
  }
  if (constraint.unimplemented?.includes(input.dtype) === true) {
    throw new UnsupportedError(
      `${describeNode(node)}: ${what} has type ${type}, which ONNX allows for type variable ${variable} ` +
        `but sppkit's ${op.opType} kernel does not compute`,
    );
  }
}

/** The formal names of a group of inputs for messages: `A and B`, `start, limit and delta`, or `all inputs`. */
function groupNames(group: readonly Bound[]): string {
  const names = [...new Set(group.map((input) => input.io.name))];
  if (names.length < 2) return 'all inputs';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/**
 * Checks the element types of a node's actual inputs (`null`/`undefined` where omitted or unknown) against the
 * op's type variables at `opset`. Throws an OpError (code `E_TYPE`) naming the node, the input (index and formal
 * name), its type, the variable and the types allowed at that opset; or an UnsupportedError for a type the spec
 * allows but sppkit does not compute.
 */
export function checkInputTypes(
  node: NodeRef,
  op: OpDef,
  opset: number,
  dtypes: readonly (DataType | null | undefined)[],
): void {
  const formal = formalInputs(op, opset, dtypes.length);
  const groups = new Map<string, Bound[]>();
  dtypes.forEach((dtype, index) => {
    const io = formal[index];
    if (dtype === null || dtype === undefined || io === undefined) return;
    const input = { index, io, dtype };
    checkAdmitted(node, op, opset, input);
    const variable = variableAt(op, io, opset);
    groups.set(variable, [...(groups.get(variable) ?? []), input]);
  });
  for (const [variable, group] of groups) {
    const [first] = group;
    const other = group.find((input) => input.dtype !== first?.dtype);
    if (first === undefined || other === undefined) continue;
    const [a, b] = [dtypeName(first.dtype), dtypeName(other.dtype)];
    throw new OpError(
      node,
      `${groupNames(group)} must have the same type (type variable ${variable} takes one type), got ${a} and ${b}: ` +
        `input ${first.index} is ${a} and input ${other.index} is ${b}`,
      'E_TYPE',
    );
  }
}
