/**
 * sppkit's own small real-shaped golden cases (test/golden/open-world), in the ONNX backend-test layout with a
 * case.json: the pieces of the real exports in ../shared/golden/real that sppkit must handle, some with an op sppkit
 * will never implement (`com.microsoft.Gelu`, an onnxruntime contrib op) in the middle:
 *
 *   - conv-bn-hardswish-gelu-spp: Conv + BatchNormalization (kept) + HardSwish written as x*min(max(x+3,0),6)/6,
 *     then com.microsoft.Gelu with no declared type (as a TorchScript export without value_info), then Conv + BN
 *     (fold-bn must fold it with its input untyped) + Relu + YOLO's SPP (MaxPool 5/9/13 in parallel, Concat).
 *   - yolo-detect-head: YOLOv5's Detect head in export mode on two levels (1×1 Conv, Reshape, Transpose, Sigmoid,
 *     Split, xy = (2s + grid)·stride, wh = (2s)²·anchor, Concat, Reshape) with the grids as constants, as the
 *     dynamo export has them; outputs the decoded boxes and the first level's raw map.
 *   - classifier-tail: torchvision's GlobalAveragePool → Flatten → Gemm.
 *   - classifier-tail-gelu-declared: the same after com.microsoft.Gelu whose output type the model declares in
 *     value_info, so inference goes on past it.
 *
 * Expected outputs are computed by onnxruntime CPU (it runs com.microsoft ops), independent of sppkit's kernels.
 */
import { GraphBuilder } from '../src/graph/builder.js';
import { prng } from '../src/blocks/weights.js';
import { DataType } from '../src/ir/dtype.js';
import type { Model } from '../src/ir/graph.js';
import { Tensor } from '../src/ir/tensor.js';
import type { Value } from '../src/ir/value.js';

/** One case to write: its model, inputs by graph input name, tolerance and description. */
export interface OpenWorldCase {
  readonly name: string;
  readonly description: string;
  readonly model: Model;
  readonly inputs: ReadonlyMap<string, Tensor>;
  readonly rtol: number;
  /** One atol per graph output, in output order. */
  readonly atol: readonly number[];
  /** Ops sppkit does not implement, as `domain.Op`. */
  readonly unknownOps: readonly string[];
}

/** The contrib domain onnxruntime implements and sppkit never will. */
const CONTRIB = 'com.microsoft';

function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function normal(dims: readonly number[], random: () => number, scale = 1): Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return Tensor.float32(
    dims,
    Array.from({ length: size }, () => gaussian(random) * scale),
  );
}

function uniform(dims: readonly number[], random: () => number, low: number, high: number): Tensor {
  const size = dims.reduce((a, b) => a * b, 1);
  return Tensor.float32(
    dims,
    Array.from({ length: size }, () => low + (high - low) * random()),
  );
}

function scalar(b: GraphBuilder, name: string, value: number): Value {
  return b.constant(name, Tensor.float32([], [value]));
}

/** Conv weight `[out, in, k, k]` uniform in ±1/sqrt(fan_in) (PyTorch's default bound). */
function convWeight(out: number, inC: number, k: number, random: () => number): Tensor {
  const bound = 1 / Math.sqrt(inC * k * k);
  return uniform([out, inC, k, k], random, -bound, bound);
}

/** An inference BatchNormalization with seeded statistics on `x` (`channels` channels). */
function batchNorm(b: GraphBuilder, x: Value, channels: number, prefix: string, random: () => number): Value {
  return b.batchNormalization(
    x,
    b.constant(`${prefix}.weight`, uniform([channels], random, 0.5, 1.5)),
    b.constant(`${prefix}.bias`, normal([channels], random, 0.2)),
    b.constant(`${prefix}.running_mean`, normal([channels], random, 0.2)),
    b.constant(`${prefix}.running_var`, uniform([channels], random, 0.5, 1.5)),
    { epsilon: 1e-3 },
    { name: prefix },
  );
}

/**
 * Adds a `com.microsoft.Gelu` node on `x`. Its output gets `x`'s type while the builder goes on (the builder
 * infers every node it adds); `forgetTypes` later decides whether the file declares it.
 */
function contribGelu(b: GraphBuilder, x: Value, name: string): Value {
  const node = b.graph.addNode({ opType: 'Gelu', domain: CONTRIB, inputs: [x], outputs: [name], name });
  const y = node.outputs[0];
  if (y === undefined) throw new Error('Gelu produced no output');
  y.type = x.type;
  b.model.opsetImports.set(CONTRIB, 1);
  return y;
}

/** Clears the types of every value but the graph inputs, outputs and `keep` (so the file has no value_info). */
function forgetTypes(model: Model, keep: readonly Value[] = []): void {
  for (const node of model.graph.nodes)
    for (const output of node.outputs) if (!output.isGraphOutput() && !keep.includes(output)) output.type = null;
}

function convBnHardSwishGeluSpp(): OpenWorldCase {
  const random = prng(101);
  const b = new GraphBuilder({ opset: 17, name: 'conv_bn_hardswish_gelu_spp' });
  const x = b.input('images', DataType.FLOAT, [1, 3, 12, 10]);
  const c1 = b.conv(x, b.constant('cv1.conv.weight', convWeight(8, 3, 3, random)), null, { pads: [1, 1, 1, 1] });
  const bn1 = batchNorm(b, c1, 8, 'cv1.bn', random);
  // HardSwish as torchvision's Hardswish decomposes: x * relu6(x + 3) / 6.
  const relu6 = b.min(b.max([b.add(bn1, scalar(b, 'three', 3)), scalar(b, 'zero', 0)]), scalar(b, 'six', 6));
  const hardSwish = b.div(b.mul(bn1, relu6), scalar(b, 'six_div', 6));
  const gelu = contribGelu(b, hardSwish, 'gelu');
  const c2 = b.conv(gelu, b.constant('cv2.conv.weight', convWeight(8, 8, 1, random)));
  const y0 = b.relu(batchNorm(b, c2, 8, 'cv2.bn', random));
  const pools = [5, 9, 13].map((k) => b.maxPool(y0, { kernelShape: [k, k], pads: Array(4).fill(k >> 1) }));
  b.output(b.concat([y0, ...pools], { axis: 1 }), 'features');
  const model = b.build();
  forgetTypes(model);
  return {
    name: 'conv-bn-hardswish-gelu-spp',
    description:
      'Conv+BN(kept)+HardSwish, com.microsoft.Gelu (no declared type), Conv+BN(kept)+Relu, SPP 5/9/13; opset 17',
    model,
    inputs: new Map([['images', normal([1, 3, 12, 10], random)]]),
    rtol: 1e-4,
    atol: [1e-5],
    unknownOps: [`${CONTRIB}.Gelu`],
  };
}

/** YOLOv5s anchors in pixels for P3/8 and P4/16 (models/yolov5s.yaml). */
const ANCHORS: readonly (readonly number[])[] = [
  [10, 13, 16, 30, 33, 23],
  [30, 61, 62, 45, 59, 119],
];

function yoloDetectHead(): OpenWorldCase {
  const random = prng(202);
  const [na, nc] = [3, 2];
  const no = nc + 5;
  const levels = [
    { channels: 16, ny: 4, nx: 5, stride: 8 },
    { channels: 32, ny: 2, nx: 3, stride: 16 },
  ];
  const b = new GraphBuilder({ opset: 18, name: 'yolo_detect_head' });
  const inputs = new Map<string, Tensor>();
  const decoded: Value[] = [];
  let raw0: Value | undefined;
  levels.forEach(({ channels, ny, nx, stride }, i) => {
    const feature = b.input(`p${i + 3}`, DataType.FLOAT, [1, channels, ny, nx]);
    inputs.set(feature.name, normal([1, channels, ny, nx], random));
    const conv = b.conv(
      feature,
      b.constant(`m.${i}.weight`, convWeight(na * no, channels, 1, random)),
      b.constant(`m.${i}.bias`, normal([na * no], random, 0.5)),
    );
    // x[i].view(bs, na, no, ny, nx).permute(0, 1, 3, 4, 2)
    const map = b.transpose(b.reshape(conv, [1, na, no, ny, nx]), { perm: [0, 1, 3, 4, 2] });
    if (i === 0) raw0 = map;
    const [xy, wh, conf] = b.split(b.sigmoid(map), [2, 2, nc + 1], { axis: 4 });
    if (xy === undefined || wh === undefined || conf === undefined) throw new Error('split gave too few outputs');
    // grid[a, y, x] = (x - 0.5, y - 0.5); anchor_grid[a, y, x] = anchor a in pixels (yolov5 `_make_grid`).
    const grid: number[] = [];
    const anchorGrid: number[] = [];
    for (let a = 0; a < na; a += 1)
      for (let yy = 0; yy < ny; yy += 1)
        for (let xx = 0; xx < nx; xx += 1) {
          grid.push(xx - 0.5, yy - 0.5);
          anchorGrid.push(ANCHORS[i]?.[2 * a] ?? 0, ANCHORS[i]?.[2 * a + 1] ?? 0);
        }
    const two = scalar(b, `two_${i}`, 2);
    const xyOut = b.mul(
      b.add(b.mul(xy, two), b.constant(`grid_${i}`, Tensor.float32([1, na, ny, nx, 2], grid))),
      scalar(b, `stride_${i}`, stride),
    );
    const wh2 = b.mul(wh, two);
    const whOut = b.mul(
      b.mul(wh2, wh2),
      b.constant(`anchor_grid_${i}`, Tensor.float32([1, na, ny, nx, 2], anchorGrid)),
    );
    decoded.push(b.reshape(b.concat([xyOut, whOut, conf], { axis: 4 }), [1, na * ny * nx, no]));
  });
  if (raw0 === undefined) throw new Error('no level');
  b.output(b.concat(decoded, { axis: 1 }), 'detections');
  b.output(raw0, 'raw0');
  const model = b.build();
  forgetTypes(model);
  return {
    name: 'yolo-detect-head',
    description: 'YOLOv5 Detect head (export mode) on two levels, 3 anchors, 2 classes, grids as constants; opset 18',
    model,
    inputs,
    rtol: 1e-4,
    atol: [1e-4, 1e-5],
    unknownOps: [],
  };
}

function classifierTail(withGelu: boolean): OpenWorldCase {
  const random = prng(withGelu ? 404 : 303);
  const b = new GraphBuilder({ opset: 17, name: withGelu ? 'classifier_tail_gelu' : 'classifier_tail' });
  const x = b.input('features', DataType.FLOAT, [2, 16, 7, 6]);
  const gelu = withGelu ? contribGelu(b, x, 'gelu') : x;
  const pooled = b.flatten(b.globalAveragePool(gelu), { axis: 1 });
  const logits = b.gemm(
    pooled,
    b.constant('fc.weight', uniform([10, 16], random, -0.25, 0.25)),
    b.constant('fc.bias', uniform([10], random, -0.25, 0.25)),
    { transB: 1 },
  );
  b.output(logits, 'logits');
  const model = b.build();
  forgetTypes(model, withGelu ? [gelu] : []);
  return {
    name: withGelu ? 'classifier-tail-gelu-declared' : 'classifier-tail',
    description: withGelu
      ? 'com.microsoft.Gelu (output type declared in value_info), GlobalAveragePool, Flatten, Gemm; opset 17'
      : 'torchvision classifier tail: GlobalAveragePool, Flatten, Gemm (transB); opset 17',
    model,
    inputs: new Map([['features', normal([2, 16, 7, 6], random)]]),
    rtol: 1e-4,
    atol: [1e-5],
    unknownOps: withGelu ? [`${CONTRIB}.Gelu`] : [],
  };
}

/** Every open-world case, built afresh (seeded: the same bytes on every run). */
export function openWorldCases(): OpenWorldCase[] {
  return [convBnHardSwishGeluSpp(), yoloDetectHead(), classifierTail(false), classifierTail(true)];
}
