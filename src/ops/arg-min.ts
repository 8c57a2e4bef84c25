/**
 * ArgMin (opsets 1, 11, 12, 13): the int64 index of the smallest element along `axis`; ties give the first index, or
 * the last with `select_last_index` (from 12). See shared/arg-extreme.ts for the rules (keepdims, NaN, types).
 * Spec: https://onnx.ai/onnx/operators/onnx__ArgMin.html
 */
import { defineArgOp } from './shared/arg-extreme.js';

export const ArgMin = defineArgOp('ArgMin', false);
