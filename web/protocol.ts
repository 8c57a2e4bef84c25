/**
 * Messages between the page and its model worker (web/worker.ts), and checked readers for them: a message is
 * structured-cloned data typed `any` by the DOM, so each side reads it field by field instead of trusting a cast.
 */

/** What the page shows about a model: the `sppkit inspect` figures. */
export interface ModelSummary {
  readonly fileName: string;
  readonly byteLength: number;
  readonly irVersion: number;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly producer: string;
  readonly graphName: string;
  readonly nodeCount: number;
  readonly initializerCount: number;
  readonly parameterCount: number;
  readonly inputs: readonly NamedType[];
  readonly outputs: readonly NamedType[];
  /** Op counts, most frequent first. */
  readonly opCounts: readonly { readonly op: string; readonly count: number }[];
}

/** A graph input or output and its type as text (`float32[1, 3, H, W]`). */
export interface NamedType {
  readonly name: string;
  readonly type: string;
}

/** One pass's record, as `sppkit transform --explain` prints it. */
export interface PassReport {
  readonly pass: string;
  readonly modified: boolean;
  readonly notes: readonly string[];
  readonly events: readonly { readonly kind: 'fired' | 'refused'; readonly where: string; readonly detail: string }[];
}

/** Page → worker. */
export type WorkerRequest =
  | { readonly kind: 'open'; readonly id: number; readonly fileName: string; readonly bytes: ArrayBuffer }
  /** Runs `passes` (a pass list as `--passes` takes it) on the opened model. */
  | { readonly kind: 'transform'; readonly id: number; readonly passes: string };

/** Worker → page. */
export type WorkerReply =
  | {
      readonly kind: 'progress';
      readonly id: number;
      readonly stage: string;
      readonly step: number;
      readonly steps: number;
    }
  | {
      readonly kind: 'opened';
      readonly id: number;
      readonly summary: ModelSummary;
      readonly problems: readonly string[];
      readonly warnings: readonly string[];
      readonly svg: string;
      readonly ms: number;
    }
  | {
      readonly kind: 'transformed';
      readonly id: number;
      readonly passes: string;
      readonly records: readonly PassReport[];
      readonly summary: ModelSummary;
      readonly problems: readonly string[];
      readonly svg: string;
      readonly bytes: ArrayBuffer;
      readonly ms: number;
      /** Picture box ids (`n3`) of the result's nodes that are new or changed, and of the original's that are gone. */
      readonly added: readonly string[];
      readonly removed: readonly string[];
    }
  /** `message` is the SppkitError's message (as the CLI prints it), or an internal error's text. */
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly message: string;
      readonly code: string;
      readonly stage: string;
    };

/** A message that is not what the other side sends. */
export class ProtocolError extends Error {}

type Fields = Readonly<Record<string, unknown>>;

function fields(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ProtocolError(`${what}: not an object`);
  return Object.fromEntries(Object.entries(value));
}

function str(f: Fields, key: string, what: string): string {
  const value = f[key];
  if (typeof value !== 'string') throw new ProtocolError(`${what}.${key}: not a string`);
  return value;
}

function num(f: Fields, key: string, what: string): number {
  const value = f[key];
  if (typeof value !== 'number') throw new ProtocolError(`${what}.${key}: not a number`);
  return value;
}

function list<T>(f: Fields, key: string, what: string, item: (value: unknown, at: string) => T): T[] {
  const value = f[key];
  if (!Array.isArray(value)) throw new ProtocolError(`${what}.${key}: not an array`);
  return value.map((element: unknown, index) => item(element, `${what}.${key}[${index}]`));
}

function strings(f: Fields, key: string, what: string): string[] {
  return list(f, key, what, (value, at) => {
    if (typeof value !== 'string') throw new ProtocolError(`${at}: not a string`);
    return value;
  });
}

function buffer(f: Fields, key: string, what: string): ArrayBuffer {
  const value = f[key];
  if (!(value instanceof ArrayBuffer)) throw new ProtocolError(`${what}.${key}: not an ArrayBuffer`);
  return value;
}

function namedType(value: unknown, at: string): NamedType {
  const f = fields(value, at);
  return { name: str(f, 'name', at), type: str(f, 'type', at) };
}

function readSummary(value: unknown, what: string): ModelSummary {
  const f = fields(value, what);
  return {
    fileName: str(f, 'fileName', what),
    byteLength: num(f, 'byteLength', what),
    irVersion: num(f, 'irVersion', what),
    opsets: list(f, 'opsets', what, (v, at) => {
      const o = fields(v, at);
      return { domain: str(o, 'domain', at), version: num(o, 'version', at) };
    }),
    producer: str(f, 'producer', what),
    graphName: str(f, 'graphName', what),
    nodeCount: num(f, 'nodeCount', what),
    initializerCount: num(f, 'initializerCount', what),
    parameterCount: num(f, 'parameterCount', what),
    inputs: list(f, 'inputs', what, namedType),
    outputs: list(f, 'outputs', what, namedType),
    opCounts: list(f, 'opCounts', what, (v, at) => {
      const o = fields(v, at);
      return { op: str(o, 'op', at), count: num(o, 'count', at) };
    }),
  };
}

function readPassReport(value: unknown, at: string): PassReport {
  const f = fields(value, at);
  return {
    pass: str(f, 'pass', at),
    modified: f['modified'] === true,
    notes: strings(f, 'notes', at),
    events: list(f, 'events', at, (v, where) => {
      const e = fields(v, where);
      const kind = str(e, 'kind', where);
      if (kind !== 'fired' && kind !== 'refused') throw new ProtocolError(`${where}.kind: not fired/refused`);
      return { kind, where: str(e, 'where', where), detail: str(e, 'detail', where) };
    }),
  };
}

/** Reads a worker reply; throws ProtocolError naming the first field that is not as sent. */
export function readReply(data: unknown): WorkerReply {
  const f = fields(data, 'reply');
  const kind = str(f, 'kind', 'reply');
  const id = num(f, 'id', 'reply');
  switch (kind) {
    case 'progress':
      return { kind, id, stage: str(f, 'stage', kind), step: num(f, 'step', kind), steps: num(f, 'steps', kind) };
    case 'opened':
      return {
        kind,
        id,
        summary: readSummary(f['summary'], 'opened.summary'),
        problems: strings(f, 'problems', kind),
        warnings: strings(f, 'warnings', kind),
        svg: str(f, 'svg', kind),
        ms: num(f, 'ms', kind),
      };
    case 'transformed':
      return {
        kind,
        id,
        passes: str(f, 'passes', kind),
        records: list(f, 'records', kind, readPassReport),
        summary: readSummary(f['summary'], 'transformed.summary'),
        problems: strings(f, 'problems', kind),
        svg: str(f, 'svg', kind),
        bytes: buffer(f, 'bytes', kind),
        ms: num(f, 'ms', kind),
        added: strings(f, 'added', kind),
        removed: strings(f, 'removed', kind),
      };
    case 'failed':
      return { kind, id, message: str(f, 'message', kind), code: str(f, 'code', kind), stage: str(f, 'stage', kind) };
    default:
      throw new ProtocolError(`reply.kind: unknown kind '${kind}'`);
  }
}

/** Reads a page request; throws ProtocolError naming the first field that is not as sent. */
export function readRequest(data: unknown): WorkerRequest {
  const f = fields(data, 'request');
  const kind = str(f, 'kind', 'request');
  const id = num(f, 'id', 'request');
  if (kind === 'open') return { kind, id, fileName: str(f, 'fileName', kind), bytes: buffer(f, 'bytes', kind) };
  if (kind === 'transform') return { kind, id, passes: str(f, 'passes', kind) };
  throw new ProtocolError(`request.kind: unknown kind '${kind}'`);
}
