/**
 * The operators of ONNX's default domain (`ai.onnx`) and the opset each first appeared in, up to opset 23 (sppkit's
 * MAX_OPSET), from onnx/defs/operator_sets.h. The checker uses it to tell apart an ONNX operator sppkit does not
 * implement (valid ONNX: a notice) from a name ONNX does not define (`FancyPool` in the default domain: an error,
 * as onnx.checker and onnxruntime reject it).
 *
 * Only first appearances are listed: later versions of an op change its schema, not whether the name exists.
 * Experimental ops dropped before opset 7 (ATen, Crop, ImageScaler, ...) are left out.
 */

/** Op names (separated by white space) grouped by the opset that introduced them. */
const INTRODUCED: Readonly<Record<number, string>> = {
  1: `
    Abs Add And ArgMax ArgMin AveragePool BatchNormalization Cast Ceil Clip Concat Constant Conv
    ConvTranspose DepthToSpace Div Dropout Elu Equal Exp Flatten Floor GRU Gather Gemm GlobalAveragePool
    GlobalLpPool GlobalMaxPool Greater HardSigmoid Hardmax Identity If InstanceNormalization LRN LSTM
    LeakyRelu Less Log LogSoftmax Loop LpNormalization LpPool MatMul Max MaxPool MaxRoiPool Mean Min Mul Neg
    Not Or PRelu Pad Pow RNN RandomNormal RandomNormalLike RandomUniform RandomUniformLike Reciprocal
    ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceMax ReduceMean ReduceMin ReduceProd ReduceSum
    ReduceSumSquare Relu Reshape Selu Shape Sigmoid Size Slice Softmax Softplus Softsign SpaceToDepth Split
    Sqrt Squeeze Sub Sum Tanh Tile TopK Transpose Unsqueeze Upsample Xor
  `,
  7: `Acos Asin Atan Cos Sin Tan Multinomial`,
  8: `Expand Scan`,
  9: `
    Compress ConstantOfShape EyeLike MaxUnpool OneHot Sinh Cosh Asinh Acosh Atanh Shrink IsNaN Sign Erf
    Scatter Where NonZero TfIdfVectorizer MeanVarianceNormalization
  `,
  10: `
    StringNormalizer Resize Mod ThresholdedRelu MatMulInteger QLinearMatMul ConvInteger QLinearConv
    QuantizeLinear DequantizeLinear IsInf NonMaxSuppression ReverseSequence RoiAlign
  `,
  11: `
    CumSum Round BitShift Unique DynamicQuantizeLinear GatherElements ScatterElements Range Det ScatterND
    GatherND SequenceEmpty SequenceConstruct SequenceInsert SequenceAt SequenceErase SequenceLength
    SplitToSequence ConcatFromSequence
  `,
  12: `Einsum NegativeLogLikelihoodLoss Celu LessOrEqual GreaterOrEqual SoftmaxCrossEntropyLoss`,
  14: `Trilu HardSwish`,
  15: `Bernoulli Optional OptionalHasElement OptionalGetElement CastLike`,
  16: `GridSample`,
  17: `LayerNormalization SequenceMap DFT HannWindow HammingWindow BlackmanWindow MelWeightMatrix STFT`,
  18: `CenterCropPad Mish Col2Im BitwiseAnd BitwiseOr BitwiseXor BitwiseNot GroupNormalization`,
  19: `DeformConv`,
  20: `AffineGrid Gelu ImageDecoder RegexFullMatch StringConcat StringSplit`,
  23: `Attention RMSNormalization RotaryEmbedding`,
};

const FIRST_OPSET: ReadonlyMap<string, number> = new Map(
  Object.entries(INTRODUCED).flatMap(([opset, names]) =>
    names
      .trim()
      .split(/\s+/)
      .map((name) => [name, Number(opset)] as const),
  ),
);

/** The opset that introduced default-domain op `opType`; undefined when ONNX (up to opset 23) has no such op. */
export function onnxOpIntroducedIn(opType: string): number | undefined {
  return FIRST_OPSET.get(opType);
}
