/**
 * From feature rows in time order to a labelled, time-split, normalised training set for
 * `lockstep train-model`.
 *
 * Label: the sign of the NEXT mid move — the first later row whose mid differs from this
 * row's; 1 when it is higher, 0 when lower. Rows after the last move have no label and
 * are dropped. Split by time, never shuffled: the first `trainShare` of the labelled rows
 * train, the rest test, so the test set is strictly later than anything trained on.
 * Normalisation (mean, std) comes from the training rows only; NaN values are skipped in
 * the statistics and become z = 0 (the training mean), the same rule inference applies.
 */
export interface FeatureRow {
  readonly mid: number;
  /** The model's features, in the model's order. */
  readonly values: Float64Array;
}

export interface TrainingSet {
  readonly trainX: Float64Array[];
  readonly trainY: number[];
  readonly testX: Float64Array[];
  readonly testY: number[];
  readonly mean: number[];
  readonly std: number[];
}

export function buildTrainingSet(rows: readonly FeatureRow[], trainShare = 0.7): TrainingSet {
  if (rows.length === 0)
    throw new Error('the recording produced no feature rows (no book update with both sides)');
  const width = rows[0]!.values.length;
  const labelled: { values: Float64Array; label: number }[] = [];
  // Scanning backwards: the next differing mid of row i is row i+1's mid when that differs,
  // else (equal mids) the same as row i+1's own next differing mid.
  let nextDifferent = NaN;
  for (let i = rows.length - 1; i >= 0; i--) {
    const mid = rows[i]!.mid;
    if (i + 1 < rows.length && rows[i + 1]!.mid !== mid) nextDifferent = rows[i + 1]!.mid;
    if (!Number.isNaN(nextDifferent))
      labelled.push({ values: rows[i]!.values, label: nextDifferent > mid ? 1 : 0 });
  }
  labelled.reverse();
  if (labelled.length < 10) {
    throw new Error(
      `only ${labelled.length} rows have a later mid move to learn from; use a longer recording`,
    );
  }
  const split = Math.floor(labelled.length * trainShare);
  const train = labelled.slice(0, split);
  const test = labelled.slice(split);

  const mean: number[] = [];
  const std: number[] = [];
  for (let j = 0; j < width; j++) {
    let sum = 0;
    let count = 0;
    for (const row of train) {
      const v = row.values[j]!;
      if (Number.isFinite(v)) {
        sum += v;
        count++;
      }
    }
    const m = count > 0 ? sum / count : 0;
    let sq = 0;
    for (const row of train) {
      const v = row.values[j]!;
      if (Number.isFinite(v)) sq += (v - m) * (v - m);
    }
    const s = count > 1 ? Math.sqrt(sq / (count - 1)) : 0;
    mean.push(m);
    // A constant feature carries nothing; std 1 keeps z = 0 instead of dividing by zero.
    std.push(s > 0 ? s : 1);
  }
  const normalise = (values: Float64Array): Float64Array =>
    Float64Array.from(values, (v, j) => {
      const z = (v - mean[j]!) / std[j]!;
      return Number.isFinite(z) ? z : 0;
    });
  return {
    trainX: train.map((r) => normalise(r.values)),
    trainY: train.map((r) => r.label),
    testX: test.map((r) => normalise(r.values)),
    testY: test.map((r) => r.label),
    mean,
    std,
  };
}

/** Accuracy of always answering the majority class of `y`: the bar a model must beat. */
export function majorityBaseline(y: readonly number[]): number {
  if (y.length === 0) return 0;
  const ones = y.reduce((a, b) => a + b, 0);
  return Math.max(ones, y.length - ones) / y.length;
}
