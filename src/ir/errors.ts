/**
 * sppkit's error classes. Each has a stable `code` and a message that names the file, node and values involved.
 */

/** Base class of every error sppkit throws on purpose. */
export class SppkitError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `E_SHAPE`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** An edit that would corrupt the IR (removing a used node, duplicate names, foreign values). */
export class GraphError extends SppkitError {
  constructor(message: string) {
    super('E_GRAPH', message);
  }
}

/** Where in a model an op-level problem happened. */
export interface NodeRef {
  readonly opType: string;
  readonly name: string;
}

/** Formats a node for messages: `MaxPool node 'pool1'`. */
export function describeNode(node: NodeRef): string {
  return `${node.opType} node '${node.name || '<unnamed>'}'`;
}

/** Bad attributes, types, shapes or data for one node (at build, check or run time). */
export class OpError extends SppkitError {
  constructor(
    readonly node: NodeRef,
    readonly detail: string,
    code = 'E_OP',
  ) {
    super(code, `${describeNode(node)}: ${detail}`);
  }
}

/** An op, opset or data type sppkit does not implement. */
export class UnsupportedError extends SppkitError {
  constructor(message: string) {
    super('E_UNSUPPORTED', message);
  }
}

/** Bytes that are not a valid ONNX model or TensorProto. */
export class DecodeError extends SppkitError {
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super('E_DECODE', `${file}: ${detail}`);
  }
}

/** A model that violates ONNX's rules (found by the checker). */
export class CheckError extends SppkitError {
  constructor(readonly problems: readonly string[]) {
    super('E_CHECK', `model check failed with ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/** A bad block configuration or bad weights. */
export class ConfigError extends SppkitError {
  constructor(message: string) {
    super('E_CONFIG', message);
  }
}
