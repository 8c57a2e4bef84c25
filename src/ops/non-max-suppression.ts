/**
 * NonMaxSuppression (opsets 10, 11): greedy per-class selection of boxes. For every batch b and class k, the boxes
 * whose score is above score_threshold (when given; strictly above) are visited by descending score (ties: lower
 * box index first; NaN ranks last); a box is selected unless its IoU with an already selected box of that class
 * is strictly greater than iou_threshold; at most max_output_boxes_per_class are selected per class (0, the
 * default, selects none). The output lists `[b, k, box]` triples, batches then classes in order, each class in
 * selection order.
 * 11 stated that boxes may give any two diagonal corners (flipped coordinates), which this kernel accepts at both.
 * Spec: https://onnx.ai/onnx/operators/onnx__NonMaxSuppression.html
 *
 * Boxes: center_point_box 0 gives `[y1, x1, y2, x2]` (any diagonal corners), 1 gives `[x_center, y_center, width,
 * height]`. A box of zero area never suppresses or is suppressed. The IoU is computed in float32 arithmetic, as
 * onnxruntime and the ONNX reference do, so that a selection at the threshold does not hinge on extra precision.
 *
 * Shapes: boxes `[B, S, 4]`, scores `[B, K, S]`, the three thresholds scalars or `[1]`; selected_indices
 * `[count, 3]` (int64). The count depends on the data: shape inference gives it when every input is a known
 * constant, else leaves it unknown.
 */
import { formatShape, SymDim, type Dim } from '../ir/dim.js';
import { DataType } from '../ir/dtype.js';
import { Tensor } from '../ir/tensor.js';
import { attr } from './core/attributes.js';
import { defineOp, requireInput, requireType } from './core/op.js';
import { floatData } from './shared/float.js';
import { intsOf } from './shared/elementwise.js';

/** What one (batch, class) selection needs. */
interface Selection {
  readonly boxes: ArrayLike<number>;
  readonly scores: ArrayLike<number>;
  readonly batches: number;
  readonly classes: number;
  readonly spatial: number;
  readonly maxPerClass: number;
  readonly iouThreshold: number;
  readonly scoreThreshold: number | undefined;
  readonly centerPointBox: number;
}

/** A box as `[min, max]` per axis, in float32. */
interface Extent {
  readonly yMin: number;
  readonly yMax: number;
  readonly xMin: number;
  readonly xMax: number;
}

const f32 = Math.fround;

/** The extent of box `index` of `batch` (float32 arithmetic for the centre format). */
function extentOf(sel: Selection, batch: number, index: number): Extent {
  const at = (batch * sel.spatial + index) * 4;
  const [a = 0, b = 0, c = 0, d = 0] = [0, 1, 2, 3].map((k) => sel.boxes[at + k] ?? 0);
  if (sel.centerPointBox === 0)
    return { yMin: Math.min(a, c), yMax: Math.max(a, c), xMin: Math.min(b, d), xMax: Math.max(b, d) };
  // [x_center, y_center, width, height]
  const halfW = f32(c / 2);
  const halfH = f32(d / 2);
  return { xMin: f32(a - halfW), xMax: f32(a + halfW), yMin: f32(b - halfH), yMax: f32(b + halfH) };
}

/** True when IoU(p, q) > threshold, in float32; boxes without area never overlap. */
function overlaps(p: Extent, q: Extent, threshold: number): boolean {
  const xMin = Math.max(p.xMin, q.xMin);
  const xMax = Math.min(p.xMax, q.xMax);
  const yMin = Math.max(p.yMin, q.yMin);
  const yMax = Math.min(p.yMax, q.yMax);
  if (xMax <= xMin || yMax <= yMin) return false;
  const intersection = f32(f32(xMax - xMin) * f32(yMax - yMin));
  const areaP = f32(f32(p.xMax - p.xMin) * f32(p.yMax - p.yMin));
  const areaQ = f32(f32(q.xMax - q.xMin) * f32(q.yMax - q.yMin));
  const union = f32(f32(areaP + areaQ) - intersection);
  if (intersection <= 0 || areaP <= 0 || areaQ <= 0 || union <= 0) return false;
  return f32(intersection / union) > threshold;
}

/** The selected `[batch, class, box]` triples, flattened. */
function select(sel: Selection): number[] {
  const selected: number[] = [];
  for (let batch = 0; batch < sel.batches; batch += 1) {
    for (let cls = 0; cls < sel.classes; cls += 1) {
      const base = (batch * sel.classes + cls) * sel.spatial;
      const candidates: number[] = [];
      for (let box = 0; box < sel.spatial; box += 1) {
        const score = sel.scores[base + box] ?? 0;
        if (sel.scoreThreshold === undefined || score > sel.scoreThreshold) candidates.push(box);
      }
      // Descending score (a NaN score ranks below every number), ties by ascending index.
      const rank = (box: number): number => {
        const score = sel.scores[base + box] ?? 0;
        return Number.isNaN(score) ? -Infinity : score;
      };
      candidates.sort((i, j) => rank(j) - rank(i) || i - j);
      const kept: Extent[] = [];
      for (const box of candidates) {
        if (kept.length >= sel.maxPerClass) break;
        const extent = extentOf(sel, batch, box);
        if (kept.some((other) => overlaps(extent, other, sel.iouThreshold))) continue;
        kept.push(extent);
        selected.push(batch, cls, box);
      }
    }
  }
  return selected;
}

/** A scalar-or-[1] threshold input's value; undefined when omitted or empty. */
function scalarInput(
  tensor: Tensor | null | undefined,
  name: string,
  fail: (detail: string) => never,
): number | undefined {
  if (tensor === null || tensor === undefined || tensor.size === 0) return undefined;
  if (tensor.size !== 1) fail(`${name} must be a scalar or have one element, got ${tensor.describe()}`);
  return tensor.dtype === DataType.INT64 ? (intsOf(tensor, fail)[0] ?? 0) : tensor.numberAt(0);
}

/** Checks the shapes of boxes and scores against each other (known dims only). */
function checkShapes(boxes: readonly Dim[], scores: readonly Dim[], fail: (detail: string) => never): void {
  const describe = `boxes ${formatShape(boxes)}, scores ${formatShape(scores)}`;
  if (boxes.length !== 3 || scores.length !== 3)
    fail(
      'boxes must be [num_batches, spatial_dimension, 4] and scores ' +
        `[num_batches, num_classes, spatial_dimension]; ${describe}`,
    );
  const same = (a: Dim | undefined, b: Dim | undefined): boolean =>
    typeof a !== 'number' || typeof b !== 'number' || a === b;
  if (!same(boxes[2], 4)) fail(`the last dim of boxes must be 4; ${describe}`);
  if (!same(boxes[0], scores[0])) fail(`boxes and scores must have the same num_batches; ${describe}`);
  if (!same(boxes[1], scores[2])) fail(`boxes.shape[1] must equal scores.shape[2] (spatial_dimension); ${describe}`);
}

/** Reads every input of a node into a Selection. */
function selection(
  inputs: readonly (Tensor | null | undefined)[],
  centerPointBox: number,
  fail: (detail: string) => never,
): Selection {
  const [boxes, scores, maxOutput, iou, scoreThreshold] = inputs;
  if (boxes === null || boxes === undefined || scores === null || scores === undefined)
    return fail('boxes and scores are required');
  checkShapes(boxes.dims, scores.dims, fail);
  const iouThreshold = scalarInput(iou, 'iou_threshold', fail) ?? 0;
  if (!(iouThreshold >= 0 && iouThreshold <= 1)) fail(`iou_threshold must be in [0, 1], got ${iouThreshold}`);
  return {
    boxes: floatData(boxes, fail),
    scores: floatData(scores, fail),
    batches: boxes.dims[0] ?? 0,
    classes: scores.dims[1] ?? 0,
    spatial: boxes.dims[1] ?? 0,
    maxPerClass: Math.max(0, scalarInput(maxOutput, 'max_output_boxes_per_class', fail) ?? 0),
    iouThreshold,
    scoreThreshold: scalarInput(scoreThreshold, 'score_threshold', fail),
    centerPointBox,
  };
}

export const NonMaxSuppression = defineOp({
  opType: 'NonMaxSuppression',
  domain: '',
  versions: [10, 11],
  inputs: [
    { name: 'boxes', type: 'F' },
    { name: 'scores', type: 'F' },
    { name: 'max_output_boxes_per_class', type: 'I', optional: true },
    { name: 'iou_threshold', type: 'F', optional: true },
    { name: 'score_threshold', type: 'F', optional: true },
  ],
  outputs: [{ name: 'selected_indices', type: 'I' }],
  attributes: {
    centerPointBox: attr.int('center_point_box', 0, {
      check: (v) => (v === 0 || v === 1 ? undefined : `must be 0 or 1, got ${v}`),
    }),
  },
  types: { F: { types: [DataType.FLOAT] }, I: { types: [DataType.INT64] } },
  infer(ctx) {
    const boxes = requireType(ctx, 0).shape;
    const scores = requireType(ctx, 1).shape;
    if (boxes !== null && scores !== null) checkShapes(boxes, scores, ctx.fail);
    const constants = ctx.inputs.map((type, i) => (type === null ? null : ctx.constant(i)));
    if (constants.every((tensor) => tensor !== undefined)) {
      const count = select(selection(constants, ctx.attrs.centerPointBox, ctx.fail)).length / 3;
      return [{ dtype: DataType.INT64, shape: [count, 3] }];
    }
    return [{ dtype: DataType.INT64, shape: [SymDim.unknown(), 3] }];
  },
  run(ctx) {
    requireInput(ctx, 0);
    requireInput(ctx, 1);
    const triples = select(selection(ctx.inputs, ctx.attrs.centerPointBox, ctx.fail));
    return [Tensor.int64([triples.length / 3, 3], triples)];
  },
});
