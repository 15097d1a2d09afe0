import { onnx } from 'onnx-proto';
import { LOGREG_INPUT_NAME, LOGREG_OUTPUT_NAME } from '../signals/logreg-model.js';

export interface LogRegGraphWeights {
  /** One weight per (normalised) input feature. */
  readonly weights: readonly number[];
  readonly bias: number;
  /** Stored in the model's metadata so the file explains itself. */
  readonly featureNames: readonly string[];
}

/**
 * Serialises a logistic regression as an ONNX model: input `features` float[1, n]
 * (already normalised), `probability = Sigmoid(MatMul(features, W) + B)` float[1, 1].
 * Opset 13, IR version 8: plain operators every onnxruntime since 1.8 runs.
 */
export function logRegOnnxBytes(model: LogRegGraphWeights): Uint8Array {
  const n = model.weights.length;
  if (n === 0 || model.featureNames.length !== n) {
    throw new Error(
      `a logistic regression needs one weight per feature (got ${n} weights, ${model.featureNames.length} names)`,
    );
  }
  if (!model.weights.every(Number.isFinite) || !Number.isFinite(model.bias)) {
    throw new Error('logistic regression weights and bias must be finite numbers');
  }
  const floatType = onnx.TensorProto.DataType.FLOAT;
  const tensorType = (dims: number[]): onnx.ITypeProto => ({
    tensorType: { elemType: floatType, shape: { dim: dims.map((dimValue) => ({ dimValue })) } },
  });
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'lockstep train-model',
    producerVersion: '1',
    docString: 'Logistic regression: P(next mid move is up | normalised features)',
    metadataProps: [{ key: 'feature_names', value: model.featureNames.join(',') }],
    graph: {
      name: 'imbalance_logreg',
      node: [
        {
          opType: 'MatMul',
          input: [LOGREG_INPUT_NAME, 'W'],
          output: ['logit_raw'],
          name: 'matmul',
        },
        { opType: 'Add', input: ['logit_raw', 'B'], output: ['logit'], name: 'add_bias' },
        { opType: 'Sigmoid', input: ['logit'], output: [LOGREG_OUTPUT_NAME], name: 'sigmoid' },
      ],
      initializer: [
        { name: 'W', dataType: floatType, dims: [n, 1], floatData: [...model.weights] },
        { name: 'B', dataType: floatType, dims: [1], floatData: [model.bias] },
      ],
      input: [{ name: LOGREG_INPUT_NAME, type: tensorType([1, n]) }],
      output: [{ name: LOGREG_OUTPUT_NAME, type: tensorType([1, 1]) }],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
