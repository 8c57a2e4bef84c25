/**
 * ONNX release table: the IR version that shipped with each default-domain opset (onnx's VERSION_TABLE).
 * A model must declare at least this IR version for its opset.
 */

/** [first opset, IR version] pairs, ascending. */
const IR_FOR_OPSET: readonly (readonly [number, number])[] = [
  [1, 3],
  [9, 4],
  [10, 5],
  [11, 6],
  [12, 7],
  [15, 8],
  [19, 9],
  [21, 10],
  [23, 11],
  [25, 12],
];

/** The newest default-domain opset sppkit emits and checks. */
export const MAX_OPSET = 23;
/** The oldest default-domain opset the builder emits. */
export const MIN_BUILD_OPSET = 13;

/** The minimum IR version for a default-domain opset. */
export function irVersionForOpset(opset: number): number {
  let ir = 3;
  for (const [first, version] of IR_FOR_OPSET) if (opset >= first) ir = version;
  return ir;
}
