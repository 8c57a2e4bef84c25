/**
 * Small models shaped like what PyTorch exports when an input size is baked in (no PyTorch runs here), and an
 * independent brute-force adaptive pooling to compare rewrites with.
 *
 * `dynamoAdaptiveAvgStatic` follows torch._decomp's `adaptive_avg_pool2d` as a static dynamo export leaves it after
 * constant folding: per axis, window starts `i0 = trunc(i·in/out)`, a window length `maxlength = in//out + 1` (+1
 * when the bins have different lengths, −1 when out divides in), indices `i0[i] + k` clamped to `in − 1`, then
 * `x[..., idx_h[:, :, None, None], idx_w]` as Transpose → GatherND → Transpose; the plain case is a ReduceMean over
 * the two window axes; the uneven case masks the surplus window entries with Where(…, 0, vals), adds the Lh×Lw
 * window entries one by one, and divides by `length_h · length_w` (`length = end − start`,
 * `end = trunc(((i+1)·in + out − 1)/out)`).
 */
import { GraphBuilder } from '../../src/graph/builder.js';
import { DataType } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/graph.js';
import { Tensor } from '../../src/ir/tensor.js';
import type { Value } from '../../src/ir/value.js';

/** The windows of one axis as torch's decomposition computes them. */
export function torchWindows(size: number, out: number): { index: number[][]; length: number[]; uneven: boolean } {
  const starts = Array.from({ length: out }, (_, i) => Math.trunc((i * size) / out));
  const ends = Array.from({ length: out }, (_, i) => Math.trunc(((i + 1) * size + out - 1) / out));
  const rest = size % out;
  const uneven = !(rest === 0 || out % rest === 0);
  let maxlength = Math.trunc(size / out) + 1;
  if (uneven) maxlength += 1;
  else if (rest === 0) maxlength -= 1;
  const index = starts.map((start) =>
    Array.from({ length: maxlength }, (_, k) => (uneven ? Math.min(start + k, size - 1) : start + k)),
  );
  const length = uneven ? starts.map((start, i) => (ends[i] ?? 0) - start) : starts.map(() => maxlength);
  return { index, length, uneven };
}

/**
 * `adaptive_avg_pool2d(x, (out, out))` on x [1, C, size, size] as a static dynamo export writes it; the graph
 * outputs are the pooled map `y` and, when `classes` is given, a classifier `z = Gemm(Flatten(y), W, b)` whose weight
 * has K = C·out² (a VGG-style head). Returns the model and the classifier weights.
 */
export function dynamoAdaptiveAvgStatic(
  channels: number,
  size: number,
  out: number,
  classes?: number,
): { model: Model; weight?: Tensor; bias?: Tensor } {
  const b = new GraphBuilder({ opset: 18 });
  const x = b.input('x', DataType.FLOAT, [1, channels, size, size]);
  const rows = torchWindows(size, out);
  const length = rows.index[0]?.length ?? 1;
  // indices[i][k][j][l] = (idx_h[i][k], idx_w[j][l]) — the same windows on both axes.
  const indices: number[] = [];
  for (let i = 0; i < out; i += 1)
    for (let k = 0; k < length; k += 1)
      for (let j = 0; j < out; j += 1)
        for (let l = 0; l < length; l += 1) indices.push(rows.index[i]?.[k] ?? 0, rows.index[j]?.[l] ?? 0);
  const hwnc = b.transpose(x, { perm: [2, 3, 0, 1] }, { name: 'node_Transpose' });
  const gathered = b.gatherND(
    hwnc,
    b.constant('val_indices', Tensor.int64([out, length, out, length, 2], indices)),
    {},
    { name: 'node_GatherND' },
  );
  let vals = b.transpose(gathered, { perm: [4, 5, 0, 1, 2, 3] }, { name: 'node_index' });
  let pooled: Value;
  if (!rows.uneven) {
    pooled = b.reduceMean(vals, { axes: [-3, -1], keepdims: 0 }, { name: 'node_mean' });
  } else {
    const maskH: boolean[] = [];
    const maskW: boolean[] = [];
    for (let i = 0; i < out; i += 1) for (let k = 0; k < length; k += 1) maskH.push(k >= (rows.length[i] ?? 0));
    for (let j = 0; j < out; j += 1) for (let l = 0; l < length; l += 1) maskW.push(l >= (rows.length[j] ?? 0));
    const bools = (name: string, dims: number[], values: boolean[]): Value =>
      b.constant(
        name,
        new Tensor(
          DataType.BOOL,
          dims,
          Uint8Array.from(values, (v) => (v ? 1 : 0)),
        ),
      );
    const zero = b.constant('val_zero', Tensor.float32([], [0]));
    vals = b.where(bools('val_mask_h', [out, length, 1, 1], maskH), zero, vals, { name: 'node_masked_fill' });
    vals = b.where(bools('val_mask_w', [out, length], maskW), zero, vals, { name: 'node_masked_fill_1' });
    let sum: Value | undefined;
    for (let k = 0; k < length; k += 1)
      for (let l = 0; l < length; l += 1) {
        const picked = b.gather(
          b.gather(vals, b.constant(`val_k${k}`, Tensor.int64([], [k])), { axis: 3 }, { name: `node_select_${k}` }),
          b.constant(`val_l${l}`, Tensor.int64([], [l])),
          { axis: 4 },
          { name: `node_select_${k}_${l}` },
        );
        sum = sum === undefined ? picked : b.add(sum, picked, { name: `node_add_${k}_${l}` });
      }
    const divisor = Array.from({ length: out * out }, (_, at) => {
      const [i, j] = [Math.floor(at / out), at % out];
      return (rows.length[i] ?? 1) * (rows.length[j] ?? 1);
    });
    if (sum === undefined) throw new Error('empty window');
    pooled = b.div(sum, b.constant('val_length', Tensor.float32([out, out], divisor)), { name: 'node_div' });
  }
  b.output(pooled, 'y');
  if (classes === undefined) return { model: b.build() };
  const features = channels * out * out;
  const weight = Tensor.float32(
    [classes, features],
    Array.from({ length: classes * features }, (_, i) => Math.sin(i * 0.37) * 0.1),
  );
  const bias = Tensor.float32(
    [classes],
    Array.from({ length: classes }, (_, i) => i * 0.01),
  );
  const flat = b.flatten(pooled, { axis: 1 }, { name: 'node_flatten' });
  b.output(
    b.gemm(flat, b.constant('fc.weight', weight), b.constant('fc.bias', bias), { transB: 1 }, { name: 'node_linear' }),
    'z',
  );
  return { model: b.build(), weight, bias };
}

/**
 * A dynamic export whose `AdaptiveAvgPool2d((out, out))` was traced where `out` divided the map: a fixed-kernel
 * AveragePool (kernel = stride = trace/out) on symbolic H/W, tagged with dynamo's metadata, then Flatten → Gemm.
 */
export function dynamoAdaptiveAsFixedPool(channels: number, trace: number, out: number, classes: number): Model {
  const b = new GraphBuilder({ opset: 18 });
  const x = b.input('x', DataType.FLOAT, [1, channels, 'H', 'W']);
  const k = trace / out;
  const pooled = b.averagePool(x, { kernelShape: [k, k], strides: [k, k] }, { name: 'node_avg_pool2d' });
  const node = pooled.producer();
  node?.metadataProps.set(
    'pkg.torch.onnx.class_hierarchy',
    "['torchvision.models.vgg.VGG', 'torch.nn.modules.pooling.AdaptiveAvgPool2d', 'aten.avg_pool2d.default']",
  );
  const features = channels * out * out;
  const weight = Tensor.float32(
    [classes, features],
    Array.from({ length: classes * features }, (_, i) => (i % 7) * 0.1),
  );
  const flat = b.flatten(pooled, { axis: 1 }, { name: 'node_flatten' });
  b.output(b.gemm(flat, b.constant('fc.weight', weight), undefined, { transB: 1 }, { name: 'node_linear' }), 'z');
  return b.build();
}

/**
 * Brute-force adaptive pooling of NCHW x to rows×cols (bins `[floor(i·a/n), ceil((i+1)·a/n))`), float64 → float32.
 */
export function bruteForceAdaptivePool(x: Tensor, rows: number, cols: number, pool: 'max' | 'avg'): Tensor {
  const [batch = 1, channels = 1, height = 1, width = 1] = x.dims;
  const data = x.toNumbers();
  const out: number[] = [];
  for (let n = 0; n < batch; n += 1)
    for (let c = 0; c < channels; c += 1)
      for (let i = 0; i < rows; i += 1)
        for (let j = 0; j < cols; j += 1) {
          const [r0, r1] = [Math.floor((i * height) / rows), Math.ceil(((i + 1) * height) / rows)];
          const [q0, q1] = [Math.floor((j * width) / cols), Math.ceil(((j + 1) * width) / cols)];
          let best = -Infinity;
          let sum = 0;
          for (let r = r0; r < r1; r += 1)
            for (let q = q0; q < q1; q += 1) {
              const v = data[((n * channels + c) * height + r) * width + q] ?? NaN;
              best = Math.max(best, v);
              sum += v;
            }
          out.push(pool === 'max' ? best : sum / ((r1 - r0) * (q1 - q0)));
        }
  return Tensor.float32([batch, channels, rows, cols], out);
}

/** `flat(y) · Wᵀ + b` in float64, as the classifier head computes it. */
export function linearHead(y: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const [classes = 1, features = 1] = weight.dims;
  const [values, w, bb] = [y.toNumbers(), weight.toNumbers(), bias?.toNumbers()];
  const out = Array.from({ length: classes }, (_, k) => {
    let sum = bb?.[k] ?? 0;
    for (let f = 0; f < features; f += 1) sum += (values[f] ?? 0) * (w[k * features + f] ?? 0);
    return sum;
  });
  return Tensor.float32([1, classes], out);
}

/**
 * A dynamic export whose pooling windows are computed from the *model input's* size, as dynamo may write them for
 * an adaptive pool after a downsampling layer: x = MaxPool 2×2/2 of the input; per axis a = size(input)//2,
 * window starts trunc(i·a/n), and the window length `a//n + 1` that was right at the trace size (uniform bins, as
 * at 13 → 4), gathered with two Gathers and averaged by ReduceMean. Output [1, C, n, n].
 */
export function windowsFromInputSize(channels: number, n: number): Model {
  const b = new GraphBuilder({ opset: 17 });
  const input = b.input('input', DataType.FLOAT, [1, channels, 'H', 'W']);
  const x = b.maxPool(input, { kernelShape: [2, 2], strides: [2, 2] }, { name: 'features' });
  const scalar = (name: string, value: number): Value => b.constant(name, Tensor.int64([], [value]));
  const windows = (axis: 2 | 3): Value => {
    const size = b.div(b.squeeze(b.shapeOf(input, axis), [0]), scalar(`two${axis}`, 2), { name: `sym_size_${axis}` });
    const order = b.constant(
      `arange${axis}`,
      Tensor.int64(
        [n],
        Array.from({ length: n }, (_, i) => i),
      ),
    );
    const starts = b.div(b.mul(order, size), scalar(`n${axis}`, n), { name: `starts_${axis}` });
    const length = b.add(b.div(size, scalar(`n_${axis}`, n)), scalar(`one${axis}`, 1), { name: `length_${axis}` });
    const offsets = b.range(scalar(`zero${axis}`, 0), length, scalar(`step${axis}`, 1), { name: `window_${axis}` });
    return b.add(b.unsqueeze(starts, [1]), offsets, { name: `index_${axis}` });
  };
  const rows = b.gather(x, windows(2), { axis: 2 }, { name: 'gather_rows' });
  const both = b.gather(rows, windows(3), { axis: 4 }, { name: 'gather_cols' });
  b.output(b.reduceMean(both, { axes: [3, 5], keepdims: 0 }, { name: 'mean' }), 'y');
  return b.build();
}

/** MaxPool 2×2 stride 2 of NCHW x (floor mode), brute force. */
export function bruteForceMaxPool2(x: Tensor): Tensor {
  const [batch = 1, channels = 1, height = 1, width = 1] = x.dims;
  const [h, w] = [Math.floor(height / 2), Math.floor(width / 2)];
  const data = x.toNumbers();
  const out: number[] = [];
  for (let n = 0; n < batch; n += 1)
    for (let c = 0; c < channels; c += 1)
      for (let i = 0; i < h; i += 1)
        for (let j = 0; j < w; j += 1) {
          let best = -Infinity;
          for (const [r, q] of [
            [2 * i, 2 * j],
            [2 * i, 2 * j + 1],
            [2 * i + 1, 2 * j],
            [2 * i + 1, 2 * j + 1],
          ] as const)
            best = Math.max(best, data[((n * channels + c) * height + r) * width + q] ?? NaN);
          out.push(best);
        }
  return Tensor.float32([batch, channels, h, w], out);
}
