/**
 * Adaptive average pyramid pooling as two matrix products, for every level at once.
 *
 * An average over adaptive bins is linear and separable: with `R` the [Σn × H] matrix whose row for bin i of level
 * n holds `1/len_i` on that bin's rows `[floor(i·H/n), ceil((i+1)·H/n))` and 0 elsewhere, and `C` the same for the
 * columns ([W × Σn], transposed), `R · x · C` is [N, C, Σn, Σn] and its diagonal blocks are every level's n×n
 * means. One Gather over the flattened result then picks each level's block in PyTorch's order (`c·n·n + i·n + j`,
 * levels concatenated). The graph is MatMul, MatMul, Reshape, Gather — plus, for a symbolic size, the bin matrix
 * computed from `Shape` (int64 bounds as in sppAdaptive, turned into 0/1 masks with Sign/Min/Relu and divided by the
 * lengths).
 *
 * Averaging with weights `1/len` rounds differently from `sum / len` (about 1e-7 relative in float32).
 */
import type { GraphBuilder } from '../graph/builder.js';
import type { Dim } from '../ir/dim.js';
import { DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import type { Value } from '../ir/value.js';

/** One row of the bin matrix: level `n`, bin `i`. */
interface BinRow {
  readonly n: number;
  readonly i: number;
}

function binRows(levels: readonly number[]): BinRow[] {
  return levels.flatMap((n) => Array.from({ length: n }, (_, i) => ({ n, i })));
}

/** The bin matrix of an axis of static size `size`, as [rows, size] (or transposed, [size, rows]). */
function staticBinMatrix(rows: readonly BinRow[], size: number, transposed: boolean): Tensor {
  const data = new Float32Array(rows.length * size);
  rows.forEach(({ n, i }, r) => {
    const start = Math.floor((i * size) / n);
    const end = Math.ceil(((i + 1) * size) / n);
    for (let j = start; j < end; j += 1) data[transposed ? j * rows.length + r : r * size + j] = 1 / (end - start);
  });
  return Tensor.float32(transposed ? [size, rows.length] : [rows.length, size], data);
}

/**
 * The bin matrix of an axis whose size is only known at run time (`size`: a 1-element int64 value):
 *   starts = (i·a) div n,  ends = ((i+1)·a + n − 1) div n           (int64, one entry per row)
 *   inside[r, j] = Relu(Min(Sign(j + ½ − start_r), Sign(end_r − j − ½)))   (1 inside the bin, 0 outside)
 *   M = inside / (end − start)
 */
function dynamicBinMatrix(
  b: GraphBuilder,
  rows: readonly BinRow[],
  size: Value,
  transposed: boolean,
  name: string,
): Value {
  // Row vectors are [Σn, 1] (or [1, Σn] transposed) so they broadcast against the positions j ([size] or [size, 1]).
  const shape = transposed ? [1, rows.length] : [rows.length, 1];
  const int64 = (suffix: string, values: readonly number[]): Value =>
    b.constant(`${name}.${suffix}`, Tensor.int64(shape, values));
  const scaled = (factor: Value): Value => b.mul(factor, size, { name: `${name}.${factor.name}_a` });
  const counts = int64(
    'n',
    rows.map((row) => row.n),
  );
  const starts = b.div(
    scaled(
      int64(
        'i',
        rows.map((row) => row.i),
      ),
    ),
    counts,
    { name: `${name}.starts` },
  );
  const ends = b.div(
    b.add(
      scaled(
        int64(
          'i1',
          rows.map((row) => row.i + 1),
        ),
      ),
      int64(
        'n_minus_1',
        rows.map((row) => row.n - 1),
      ),
      { name: `${name}.ceil_num` },
    ),
    counts,
    { name: `${name}.ends` },
  );
  const scalar = (value: number, suffix: string): Value => b.constant(`${name}.${suffix}`, Tensor.int64([], [value]));
  const positions = b.range(
    scalar(0, 'zero'),
    b.squeeze(size, [0], { name: `${name}.size_scalar` }),
    scalar(1, 'one'),
    { name: `${name}.j` },
  );
  const half = b.constant(`${name}.half`, Tensor.float32([], [0.5]));
  const j = b.add(
    b.cast(transposed ? b.unsqueeze(positions, [1], { name: `${name}.j_col` }) : positions, DataType.FLOAT, {
      name: `${name}.j_float`,
    }),
    half,
    { name: `${name}.j_mid` },
  );
  const startF = b.cast(starts, DataType.FLOAT, { name: `${name}.starts_float` });
  const endF = b.cast(ends, DataType.FLOAT, { name: `${name}.ends_float` });
  const afterStart = b.sign(b.sub(j, startF, { name: `${name}.from_start` }), { name: `${name}.after_start` });
  const beforeEnd = b.sign(b.sub(endF, j, { name: `${name}.to_end` }), { name: `${name}.before_end` });
  const inside = b.relu(b.min(afterStart, beforeEnd, { name: `${name}.both` }), { name: `${name}.inside` });
  return b.div(inside, b.sub(endF, startF, { name: `${name}.length` }), { name: `${name}.weights` });
}

/**
 * Exact adaptive average pooling of NCHW `x` at every level of `levels` (each `adaptive_avg_pool2d(x, n)`, flattened
 * channel-major, levels concatenated in order): returns [N, C·Σn²]. `channels` must be static; H and W may be
 * symbolic, with `axisSize(axis)` giving `Shape(x)[axis]`.
 */
export function adaptiveAvgPyramid(
  b: GraphBuilder,
  x: Value,
  levels: readonly number[],
  channels: number,
  height: Dim,
  width: Dim,
  axisSize: (axis: 2 | 3) => Value,
): Value {
  const rows = binRows(levels);
  const total = rows.length;
  const rowMatrix =
    typeof height === 'number'
      ? b.constant('avg.rows', staticBinMatrix(rows, height, false))
      : dynamicBinMatrix(b, rows, axisSize(2), false, 'avg.rows');
  const colMatrix =
    typeof width === 'number'
      ? b.constant('avg.cols', staticBinMatrix(rows, width, true))
      : dynamicBinMatrix(b, rows, axisSize(3), true, 'avg.cols');
  const rowMeans = b.matMul(rowMatrix, x, { name: 'avg.row_means' });
  const means = b.matMul(rowMeans, colMatrix, { name: 'avg.means' });
  const flat = b.reshape(means, [0, -1], { name: 'avg.flat' });
  // Pick level k's diagonal block, channel-major: flat index c·T² + (r_k + i)·T + (r_k + j), T = Σn.
  const picks: number[] = [];
  let offset = 0;
  for (const n of levels) {
    for (let c = 0; c < channels; c += 1) {
      for (let i = 0; i < n; i += 1)
        for (let j = 0; j < n; j += 1) picks.push(c * total * total + (offset + i) * total + (offset + j));
    }
    offset += n;
  }
  return b.gather(flat, b.int64s('avg.picks', picks), { axis: 1 }, { name: 'avg.levels' });
}
