import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The sidecar JSON beside an ONNX logistic-regression model (`x.onnx` → `x.json`): what the
 * graph cannot say by itself — which features feed it, how they are normalised, how
 * well it did out of sample. The ONNX graph takes the NORMALISED vector
 * z_j = (feature_j − mean_j) / std_j, with NaN features (no trade yet, no VPIN bucket yet)
 * mapped to z_j = 0, the training mean; both training and inference apply this one rule.
 */
export const LOGREG_FORMAT = 'lockstep-logreg/1';
export const LOGREG_INPUT_NAME = 'features';
export const LOGREG_OUTPUT_NAME = 'probability';

const finiteArray = z.array(z.number().finite());

const LogRegSidecarSchema = z
  .object({
    format: z.literal(LOGREG_FORMAT),
    feature_names: z.array(z.string().min(1)).min(1),
    weights: finiteArray,
    bias: z.number().finite(),
    normalisation: z.object({ mean: finiteArray, std: z.array(z.number().finite().positive()) }),
    label: z.string(),
    train_rows: z.number().int().nonnegative(),
    test_rows: z.number().int().nonnegative(),
    train_accuracy: z.number().min(0).max(1),
    out_of_sample_accuracy: z.number().min(0).max(1),
    /** Accuracy of always predicting the test set's majority class: the bar to beat. */
    baseline_accuracy: z.number().min(0).max(1),
    trained_on: z.string(),
  })
  .superRefine((meta, ctx) => {
    const n = meta.feature_names.length;
    for (const [key, length] of [
      ['weights', meta.weights.length],
      ['normalisation.mean', meta.normalisation.mean.length],
      ['normalisation.std', meta.normalisation.std.length],
    ] as const) {
      if (length !== n)
        ctx.addIssue({
          code: 'custom',
          message: `${key} has ${length} entries but there are ${n} feature_names`,
        });
    }
  });

export type LogRegSidecar = z.infer<typeof LogRegSidecarSchema>;

export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

export function sidecarPathFor(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.json';
}

/** Reads and validates the sidecar; every failure says which file and what is wrong. */
export function readLogRegSidecar(path: string): LogRegSidecar {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ModelLoadError(
      `cannot read the model description ${path}: ${(error as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(
      `the model description ${path} is not valid JSON: ${(error as Error).message}`,
    );
  }
  const parsed = LogRegSidecarSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new ModelLoadError(`the model description ${path} is malformed: ${problems}`);
  }
  return parsed.data;
}

/** z_j = (x_j − mean_j) / std_j, NaN → 0, written into `out` (no allocation). */
export function normaliseInto(
  meta: Pick<LogRegSidecar, 'normalisation'>,
  raw: ArrayLike<number>,
  out: Float32Array | Float64Array,
): void {
  const { mean, std } = meta.normalisation;
  for (let j = 0; j < mean.length; j++) {
    const z = (raw[j]! - mean[j]!) / std[j]!;
    out[j] = Number.isFinite(z) ? z : 0;
  }
}

/** sigmoid(w·z + b) in float64: the reference the ONNX graph must reproduce. */
export function logRegProbability(
  meta: Pick<LogRegSidecar, 'weights' | 'bias'>,
  normalised: ArrayLike<number>,
): number {
  let logit = meta.bias;
  for (let j = 0; j < meta.weights.length; j++) logit += meta.weights[j]! * normalised[j]!;
  return 1 / (1 + Math.exp(-logit));
}
