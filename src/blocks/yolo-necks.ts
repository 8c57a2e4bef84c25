/**
 * SPP necks of later YOLO versions, built from Conv+BN+act units (see conv-bn.ts; BatchNorm folded unless kept).
 * Weights are keyed by the modules' PyTorch state_dict names: `<unit>.conv.weight`, `<unit>.bn.weight`,
 * `<unit>.bn.bias`, `<unit>.bn.running_mean`, `<unit>.bn.running_var` for every unit named below, in that order.
 * BatchNorm eps defaults to 0.001: each repository's `initialize_weights` sets `m.eps = 1e-3` on every BatchNorm2d.
 *
 * simSppf — meituan/YOLOv6 yolov6/layers/common.py `SimSPPF`: SPPF with ReLU units (`SimConv` = Conv+BN+ReLU).
 *   c_ = c1 // 2;  y0 = cv1(x) (1×1, c1→c_);  y1..y3 = three chained MaxPool(k=5, stride 1, pad 2);
 *   out = cv2(concat[y0, y1, y2, y3]) (1×1, 4c_→c2).
 * sppcspc — WongKinYiu/yolov7 models/common.py `SPPCSPC` (SiLU units), c_ = int(2·c2·e), e = 0.5:
 *   x1 = cv4(cv3(cv1(x)))   cv1: 1×1 c1→c_, cv3: 3×3 c_→c_ (pad 1), cv4: 1×1 c_→c_
 *   y1 = cv6(cv5(concat[x1, mp5(x1), mp9(x1), mp13(x1)]))   cv5: 1×1 4c_→c_, cv6: 3×3 c_→c_
 *   y2 = cv2(x)             cv2: 1×1 c1→c_
 *   out = cv7(concat[y1, y2])   cv7: 1×1 2c_→c2
 *   (with other kernel lists, cv5 takes (len(k)+1)·c_ channels; the published code fixes 4·c_, i.e. 3 kernels.)
 * sppelan — WongKinYiu/yolov9 models/common.py `SPPELAN` (SiLU units), hidden c3:
 *   y0 = cv1(x) (1×1 c1→c3);  y1..y3 = three chained SP(5) = MaxPool(5, stride 1, pad 2) (modules cv2..cv4, no
 *   parameters);  out = cv5(concat[y0, y1, y2, y3]) (1×1 4c3→c2).
 */
import type { GraphBuilder } from '../graph/builder.js';
import { ConfigError } from '../ir/errors.js';
import type { Value } from '../ir/value.js';
import { nchw, positiveInt, type BlockDef } from './block.js';
import { convBnAct, convBnParams, type Activation, type ConvBnSpec } from './conv-bn.js';
import { chainedPools, neck, samePool, type NeckConfig } from './ultralytics.js';
import type { ParamSpec, Weights } from './weights.js';

/** BatchNorm eps the YOLO repositories set in `initialize_weights`. */
const YOLO_BN_EPS = 0.001;

/** `simSppf` config. */
export interface SimSppfConfig extends NeckConfig {
  /** The chained max-pool kernel (default 5). */
  readonly kernel?: number;
}

/** `sppcspc` config. */
export interface SppcspcConfig extends NeckConfig {
  /** Expansion e (default 0.5): hidden width c_ = int(2·c2·e). */
  readonly expansion?: number;
  /** Parallel max-pool kernels (default 5, 9, 13). */
  readonly kernels?: readonly number[];
}

/** `sppelan` config. */
export interface SppelanConfig extends NeckConfig {
  /** Hidden width c3 (default c2 // 2). */
  readonly hiddenChannels?: number;
  /** The chained max-pool kernel (default 5). */
  readonly kernel?: number;
}

/** A unit spec with the config's eps / keepBn. */
function unit(prefix: string, cIn: number, cOut: number, act: Activation, config: NeckConfig, kernel = 1): ConvBnSpec {
  return {
    prefix,
    cIn,
    cOut,
    kernel,
    act,
    bnEps: config.bnEps ?? YOLO_BN_EPS,
    ...(config.keepBn === undefined ? {} : { keepBn: config.keepBn }),
  };
}

function simSppfUnits(c1: number, config: SimSppfConfig): [ConvBnSpec, ConvBnSpec] {
  positiveInt('simSppf', 'in channels', c1);
  positiveInt('simSppf', 'out channels', config.outChannels);
  const hidden = Math.floor(c1 / 2);
  if (hidden < 1)
    throw new ConfigError(`simSppf: in channels ${c1} must be at least 2 (hidden width c1//2 would be 0)`);
  return [unit('cv1', c1, hidden, 'relu', config), unit('cv2', hidden * 4, config.outChannels, 'relu', config)];
}

/** YOLOv6 SimSPPF. */
export const simSppfBlock: BlockDef<SimSppfConfig> = {
  name: 'simSppf',
  cliName: 'sim-sppf',
  summary: 'YOLOv6 SimSPPF: SPPF with ReLU Conv+BN units',
  source: 'meituan/YOLOv6 yolov6/layers/common.py SimSPPF (SimConv = Conv+BN+ReLU)',
  params: (config, c1): ParamSpec[] => simSppfUnits(c1, config).flatMap(convBnParams),
  build(b, x, config, weights) {
    const specs = simSppfUnits(nchw(x, 'simSppf').channels, config);
    return neck(b, x, specs, weights, (y) => chainedPools(b, y, config.kernel ?? 5, 3));
  },
};

function sppcspcUnits(c1: number, config: SppcspcConfig): ConvBnSpec[] {
  positiveInt('sppcspc', 'in channels', c1);
  const c2 = positiveInt('sppcspc', 'out channels', config.outChannels);
  const e = config.expansion ?? 0.5;
  const hidden = Math.trunc(2 * c2 * e);
  if (!(hidden >= 1)) throw new ConfigError(`sppcspc: hidden width int(2*${c2}*${e}) = ${hidden} must be at least 1`);
  const branches = (config.kernels ?? [5, 9, 13]).length + 1;
  return [
    unit('cv1', c1, hidden, 'silu', config),
    unit('cv2', c1, hidden, 'silu', config),
    unit('cv3', hidden, hidden, 'silu', config, 3),
    unit('cv4', hidden, hidden, 'silu', config),
    unit('cv5', branches * hidden, hidden, 'silu', config),
    unit('cv6', hidden, hidden, 'silu', config, 3),
    unit('cv7', 2 * hidden, c2, 'silu', config),
  ];
}

/** Picks unit `prefix` from a spec list (internal invariant: it is there). */
function pick(specs: readonly ConvBnSpec[], prefix: string): ConvBnSpec {
  const spec = specs.find((s) => s.prefix === prefix);
  if (spec === undefined) throw new ConfigError(`internal error: unit '${prefix}' missing`);
  return spec;
}

/** Builds YOLOv7 SPPCSPC. */
export function sppcspc(b: GraphBuilder, x: Value, config: SppcspcConfig, weights: Weights): Value {
  const specs = sppcspcUnits(nchw(x, 'sppcspc').channels, config);
  const kernels = config.kernels ?? [5, 9, 13];
  if (kernels.length === 0) throw new ConfigError('sppcspc: kernels must not be empty');
  const run = (prefix: string, input: Value): Value => convBnAct(b, input, pick(specs, prefix), weights);
  const x1 = run('cv4', run('cv3', run('cv1', x)));
  const pooled = b.concat(
    [x1, ...kernels.map((k) => samePool(b, x1, k, `m.${k}`))],
    { axis: 1 },
    { name: 'spp.concat' },
  );
  const y1 = run('cv6', run('cv5', pooled));
  const y2 = run('cv2', x);
  return run('cv7', b.concat([y1, y2], { axis: 1 }, { name: 'csp.concat' }));
}

/** YOLOv7 SPPCSPC. */
export const sppcspcBlock: BlockDef<SppcspcConfig> = {
  name: 'sppcspc',
  cliName: 'sppcspc',
  summary: 'YOLOv7 SPPCSPC: CSP split around an SPP(5, 9, 13) with 3×3 convs (cv1..cv7)',
  source: 'WongKinYiu/yolov7 models/common.py SPPCSPC (e=0.5, k=(5, 9, 13), SiLU)',
  params: (config, c1): ParamSpec[] => sppcspcUnits(c1, config).flatMap(convBnParams),
  build: (b, x, config, weights) => sppcspc(b, x, config, weights),
};

function sppelanUnits(c1: number, config: SppelanConfig): [ConvBnSpec, ConvBnSpec] {
  positiveInt('sppelan', 'in channels', c1);
  const c2 = positiveInt('sppelan', 'out channels', config.outChannels);
  const c3 = config.hiddenChannels ?? Math.floor(c2 / 2);
  if (!Number.isInteger(c3) || c3 < 1)
    throw new ConfigError(
      `sppelan: hidden channels must be a positive integer, got ${c3} (default c2 // 2 needs c2 >= 2)`,
    );
  return [unit('cv1', c1, c3, 'silu', config), unit('cv5', 4 * c3, c2, 'silu', config)];
}

/** YOLOv9 SPPELAN. */
export const sppelanBlock: BlockDef<SppelanConfig> = {
  name: 'sppelan',
  cliName: 'sppelan',
  summary: 'YOLOv9 SPPELAN: cv1 → three chained MaxPool 5 → concat of 4 → cv5',
  source: 'WongKinYiu/yolov9 models/common.py SPPELAN (SP(5) pools, SiLU)',
  params: (config, c1): ParamSpec[] => sppelanUnits(c1, config).flatMap(convBnParams),
  build(b, x, config, weights) {
    const specs = sppelanUnits(nchw(x, 'sppelan').channels, config);
    return neck(b, x, specs, weights, (y) => chainedPools(b, y, config.kernel ?? 5, 3));
  },
};
