/**
 * What DepthToSpace and SpaceToDepth share: the NCHW rank check, the blocksize attribute check and the index map
 * of a block rearrangement. Both move `b × b` blocks of pixels between the channel axis and the spatial axes;
 * the element formulas are in the op files.
 */
import { formatShape, type Dim } from '../../ir/dim.js';
import { sizeOf } from '../../ir/tensor.js';

/** Fails unless `shape` is 4-D (NCHW) and `blocksize` is a positive integer. */
export function checkBlockInput(shape: readonly Dim[], blocksize: number, fail: (detail: string) => never): void {
  if (shape.length !== 4) fail(`input must be 4-D [N, C, H, W], got ${formatShape(shape)}`);
  if (!Number.isInteger(blocksize) || blocksize < 1) fail(`blocksize must be an integer >= 1, got ${blocksize}`);
}

/**
 * For every element of an NCHW output of shape `outDims` (row-major), the flat index of the NCHW input element
 * (shape `inDims`) that `source(n, c, y, x)` names as `[n, c, y, x]` coordinates of the input.
 */
export function blockIndexMap(
  inDims: readonly number[],
  outDims: readonly number[],
  source: (c: number, y: number, x: number) => readonly [number, number, number],
): Int32Array {
  const [, inC = 0, inH = 0, inW = 0] = inDims;
  const [outN = 0, outC = 0, outH = 0, outW = 0] = outDims;
  const map = new Int32Array(sizeOf(outDims));
  let i = 0;
  for (let n = 0; n < outN; n += 1)
    for (let c = 0; c < outC; c += 1)
      for (let y = 0; y < outH; y += 1)
        for (let x = 0; x < outW; x += 1) {
          const [sc, sy, sx] = source(c, y, x);
          map[i++] = ((n * inC + sc) * inH + sy) * inW + sx;
        }
  return map;
}
