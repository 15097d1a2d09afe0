/**
 * Plain batch gradient-descent logistic regression: small, deterministic (no random
 * init, no shuffling), enough for eight features and a few thousand rows. Minimises the
 * mean log-loss plus (l2 / 2)·|w|² (the bias is not penalised).
 */
export interface LogisticFit {
  readonly weights: number[];
  readonly bias: number;
  readonly iterations: number;
  readonly finalLoss: number;
}

export interface LogisticOptions {
  readonly learningRate?: number;
  readonly iterations?: number;
  readonly l2?: number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** `x` rows of equal width (already normalised, finite), `y` labels 0/1. */
export function fitLogistic(
  x: readonly Float64Array[],
  y: readonly number[],
  options: LogisticOptions = {},
): LogisticFit {
  const n = x.length;
  if (n === 0) throw new Error('cannot train on zero rows');
  if (y.length !== n) throw new Error(`${n} feature rows but ${y.length} labels`);
  const width = x[0]!.length;
  const learningRate = options.learningRate ?? 0.5;
  const iterations = options.iterations ?? 3000;
  const l2 = options.l2 ?? 1e-3;
  const weights = new Float64Array(width);
  let bias = 0;
  const gradient = new Float64Array(width);
  let loss = Infinity;
  for (let iteration = 0; iteration < iterations; iteration++) {
    gradient.fill(0);
    let gradientBias = 0;
    let sumLoss = 0;
    for (let i = 0; i < n; i++) {
      const row = x[i]!;
      let logit = bias;
      for (let j = 0; j < width; j++) logit += weights[j]! * row[j]!;
      const p = sigmoid(logit);
      const error = p - y[i]!;
      for (let j = 0; j < width; j++) gradient[j]! += error * row[j]!;
      gradientBias += error;
      // log(1 + e^-|z|) form: no overflow for large logits.
      sumLoss += Math.max(logit, 0) - logit * y[i]! + Math.log1p(Math.exp(-Math.abs(logit)));
    }
    let penalty = 0;
    for (let j = 0; j < width; j++) {
      weights[j]! -= learningRate * (gradient[j]! / n + l2 * weights[j]!);
      penalty += weights[j]! * weights[j]!;
    }
    bias -= learningRate * (gradientBias / n);
    loss = sumLoss / n + (l2 / 2) * penalty;
  }
  return { weights: [...weights], bias, iterations, finalLoss: loss };
}

/** Share of rows where (p ≥ 0.5) equals the label. */
export function accuracy(
  fit: Pick<LogisticFit, 'weights' | 'bias'>,
  x: readonly Float64Array[],
  y: readonly number[],
): number {
  if (x.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < x.length; i++) {
    let logit = fit.bias;
    for (let j = 0; j < fit.weights.length; j++) logit += fit.weights[j]! * x[i]![j]!;
    if ((logit >= 0 ? 1 : 0) === y[i]) correct++;
  }
  return correct / x.length;
}
