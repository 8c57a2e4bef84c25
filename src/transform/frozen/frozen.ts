/**
 * Frozen adaptive pooling in dynamic models: a model whose input H/W are symbolic but whose adaptive pooling was
 * fixed at the size it was exported (traced) at. PyTorch's dynamo exporter writes `adaptive_max_pool2d` as a
 * fixed-kernel MaxPool (kernel = trace size / n), and `adaptive_avg_pool2d` either as a fixed-kernel AveragePool or
 * as Gather windows whose length formula was chosen for the trace size: both run at other sizes and give other
 * numbers (or fail deep inside). `frozenPoolingSites` finds them, naming the nodes; `sppkit check` reports them as
 * warnings, and `sppkit transform --passes adaptive-spp-dynamic --trace-size HxW` rewrites them.
 *
 * A gathered level is judged by probing it (probe.ts) at a few sizes: frozen when it is adaptive pooling (or at least
 * starts every bin where adaptive pooling does) at one size and not at another, or fails there.
 */
import { formatShape } from '../../ir/dim.js';
import type { Model } from '../../ir/graph.js';
import type { Node, Value } from '../../ir/value.js';
import { TypeView } from '../rewrite/type-view.js';
import { constantOf } from '../rewrite/helpers.js';
import { probeSite } from './probe.js';
import {
  adaptiveEvidence,
  continuesPooling,
  dataOracle,
  isLevel,
  matchAdaptive,
  readLevel,
  type Level,
  type LevelEnv,
} from './levels.js';
import { bindingsFor, describeLevel, dynamicSpatial, isHead, otherInputs, readHead } from './sites.js';

/** A pooling site of a dynamic model that was frozen at the export's trace size. */
export interface FrozenSite {
  readonly kind: 'spp-head' | 'adaptive-pool';
  /** The site's nodes: the Concat of a head, or the level's nodes. */
  readonly nodes: readonly Node[];
  /** The pooled NCHW value. */
  readonly input: Value;
  /** What was frozen, naming the nodes, and how to fix it. */
  readonly message: string;
}

/** The level-reading environment of a model: types as inference gives them, and the data-carrying values. */
export function levelEnv(model: Model): LevelEnv {
  const view = new TypeView(model);
  return {
    model,
    typeOf: (value) => {
      const fact = view.typeOf(value);
      return fact.known ? fact.type : null;
    },
    isData: dataOracle(model),
  };
}

const FIX = `rewrite it with 'sppkit transform --passes adaptive-spp-dynamic --trace-size HxW' (the export's size)`;

/** Sizes a gathered level is probed at: a few per level, not multiples of n (where fixed windows often fail). */
function probeSizes(n: number, m: number): [number, number][] {
  return [
    [3 * n + 1, 3 * m + 1],
    [2 * n + 1, 2 * m + 3],
    [5 * n + 2, 4 * m + 3],
    [4 * n, 4 * m],
  ];
}

/** Why a gathered level on a dynamic value is frozen (its behaviour at the probe sizes), or undefined. */
export function gatheredVerdict(level: Level & { kind: 'gather' }, env: LevelEnv): string | undefined {
  const shape = env.typeOf(level.x)?.shape;
  const channels = shape?.[1];
  if (typeof channels !== 'number') return undefined;
  const batch = typeof shape?.[0] === 'number' ? shape[0] : 1;
  let adaptive = false;
  let problem: string | undefined;
  for (const [h, w] of probeSizes(level.bins[0], level.bins[1])) {
    const dims = [batch, channels, h, w];
    const feeds = otherInputs(env.model, level.x, bindingsFor(env.model, env, level.x, dims));
    const probe = probeSite(env.model, level.x, dims, level.output, feeds);
    if (!probe.ok) {
      problem ??= `at ${h}x${w} it fails: ${probe.reason}`;
      continue;
    }
    const match = matchAdaptive(probe, dims, level.pool);
    if (match.exact || match.startsMatch) adaptive = true;
    if (!match.exact) problem ??= `at ${h}x${w}, ${match.detail ?? 'its bins are not the adaptive bins'}`;
    if (adaptive && problem !== undefined) break;
  }
  return adaptive ? problem : undefined;
}

/** The fixed-weight Gemm/MatMul a window level's flattened output feeds, if any (a fixed-size classifier). */
function fixedConsumer(level: Level): string | undefined {
  for (const flatten of level.output.consumers()) {
    if (flatten.opType !== 'Flatten' && flatten.opType !== 'Reshape') continue;
    for (const user of flatten.outputs[0]?.consumers() ?? []) {
      if (user.opType !== 'Gemm' && user.opType !== 'MatMul') continue;
      const weight = constantOf(user.inputs[1]);
      if (weight !== undefined)
        return `its flattened output feeds ${user.label()}, whose weight ${weight.describe()} has a fixed size`;
    }
  }
  return undefined;
}

/** Every pooling site of `model` that a dynamic input size reaches but that was frozen at the trace size. */
export function frozenPoolingSites(model: Model): FrozenSite[] {
  const env = levelEnv(model);
  const sites: FrozenSite[] = [];
  const covered = new Set<Node>();
  for (const node of model.graph.nodes) {
    if (node.opType !== 'Concat') continue;
    const head = readHead(node, env);
    if (!isHead(head) || !dynamicSpatial(head.x, env)) continue;
    const frozen = head.items.flatMap(({ level }) => {
      if (level.kind === 'window') return [`${describeLevel(level, env)}: a fixed window on a dynamic size`];
      if (level.kind !== 'gather') return [];
      const verdict = gatheredVerdict(level, env);
      return verdict === undefined ? [] : [`${describeLevel(level, env)}: ${verdict}`];
    });
    if (frozen.length === 0) continue;
    head.items.forEach(({ level }) => covered.add(level.node));
    const shape = formatShape(env.typeOf(head.x)?.shape ?? null);
    sites.push({
      kind: 'spp-head',
      nodes: [node, ...head.items.map(({ level }) => level.node)],
      input: head.x,
      message:
        `${node.label()} concatenates ${head.items.length} pooling levels of '${head.x.name}' ${shape} that were ` +
        `frozen at the export's trace size (${frozen.join('; ')}); ${FIX}`,
    });
  }
  for (const node of model.graph.nodes) {
    const output = node.outputs[0];
    if (covered.has(node) || output === undefined || continuesPooling(output)) continue;
    const found = readLevel(output, env);
    if (!isLevel(found) || !dynamicSpatial(found.x, env)) continue;
    const verdict =
      found.kind === 'gather'
        ? gatheredVerdict(found, env)
        : found.kind === 'window'
          ? (adaptiveEvidence(node) ?? fixedConsumer(found))
          : undefined;
    if (verdict === undefined) continue;
    const shape = formatShape(env.typeOf(found.x)?.shape ?? null);
    sites.push({
      kind: 'adaptive-pool',
      nodes: found.kind === 'gather' ? found.nodes : [node],
      input: found.x,
      message:
        `${describeLevel(found, env)} from '${found.x.name}' ${shape} is an adaptive pooling frozen at the ` +
        `export's trace size (${verdict}); ${FIX}`,
    });
  }
  return sites;
}

/** `sppkit check`'s warnings for frozen adaptive pooling (empty when there is none). */
export function frozenPoolingWarnings(model: Model): string[] {
  return frozenPoolingSites(model).map((site) => `frozen adaptive pooling: ${site.message}`);
}

/** What `adaptive-spp-dynamic` looks for, for `--explain` when nothing matched. */
export const LOOKED_FOR =
  'looked for: (1) SPP heads — a Concat on axis 1 of flattened pooling levels of one NCHW value, each level a ' +
  'fixed-kernel MaxPool/AveragePool with kernel = stride and no padding, a global pool (GlobalMaxPool, ' +
  'GlobalAveragePool, ReduceMax/ReduceMean over H and W) or gathered windows (Gather/GatherND/Slice reduced by ' +
  'ReduceMean/ReduceMax/sums to n×n); (2) single adaptive pools — gathered windows reduced to a fixed n×m ' +
  'that are adaptive pooling at the trace size, or a fixed-kernel pool that dynamo metadata names as adaptive';

/** The site that matched most of the patterns and what failed there, or undefined when nothing came close. */
export function nearestNearMiss(model: Model): string | undefined {
  const env = levelEnv(model);
  let best: { score: number; text: string } | undefined;
  const consider = (score: number, text: string): void => {
    if (score > 0 && (best === undefined || score > best.score)) best = { score, text };
  };
  for (const node of model.graph.nodes) {
    if (node.opType === 'Concat') {
      const head = readHead(node, env);
      if (isHead(head)) consider(0.9, `${node.label()} is an SPP head of '${head.x.name}', but no rule could prove it`);
      else consider(head.score, head.reason);
      continue;
    }
    const output = node.outputs[0];
    if (output === undefined || continuesPooling(output)) continue;
    const found = readLevel(output, env);
    if (!isLevel(found)) consider(found.score * 0.7, found.reason);
    else if (found.kind !== 'global')
      consider(
        0.6,
        `${describeLevel(found, env)} is a pooling level, but neither part of an SPP head nor shown adaptive`,
      );
    else consider(0.3, `${describeLevel(found, env)} is a global pool (already exact at every size), alone`);
  }
  return best?.text;
}
