import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { numberOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { loadStrategyCommandConfig } from './strategy-cli-config.js';
import { recordingFeatures } from '../engine/strategy/recording-features.js';
import {
  LOGREG_FORMAT,
  sidecarPathFor,
  type LogRegSidecar,
} from '../engine/strategy/signals/logreg-model.js';
import { accuracy, fitLogistic } from '../engine/strategy/training/logistic-regression.js';
import {
  buildTrainingSet,
  majorityBaseline,
  type FeatureRow,
} from '../engine/strategy/training/training-set.js';

/**
 * What the shipped model looks at: the scale-free features (never the raw mid or VWAP,
 * whose level says nothing about the next move). Eight, the model's [1, 8] input.
 */
const MODEL_FEATURES = [
  'spread_bps',
  'imbalance',
  'weighted_imbalance',
  'volatility',
  'momentum',
  'book_pressure',
  'trade_flow',
  'toxicity',
] as const;

const DEFAULT_OUT = 'assets/models/imbalance_logreg.onnx';

/**
 * `lockstep train-model`: fits the logistic regression the ML signal runs. Features come
 * from a recording through the same market and feature code the strategy uses; the label
 * is the sign of the next mid move; train and test are split by time (first share
 * trains). Writes the ONNX graph (MatMul + Add + Sigmoid) and the sidecar JSON with the
 * weights, feature names, normalisation and out-of-sample accuracy.
 */
export const trainModelCommand: CommandSpec = {
  name: 'train-model',
  summary: 'train the ML signal (logistic regression on recorded features) and write it as ONNX',
  usage:
    'train-model --data FILE [--out assets/models/imbalance_logreg.onnx] [--symbol S] [--config FILE]',
  options: [
    {
      name: 'data',
      kind: 'string',
      value: 'FILE',
      required: true,
      description: 'recording to learn from (JSON Lines, plain or .gz)',
    },
    {
      name: 'out',
      kind: 'string',
      value: 'FILE.onnx',
      default: DEFAULT_OUT,
      description: 'model to write; the sidecar .json goes beside it',
    },
    {
      name: 'symbol',
      kind: 'string',
      value: 'S',
      description: 'symbol to follow (default: the first of strategy.symbols)',
    },
    {
      name: 'config',
      kind: 'string',
      value: 'FILE',
      description: 'TOML config whose [strategy.params] shape the features',
    },
    {
      name: 'train-share',
      kind: 'number',
      value: 'F',
      default: 0.7,
      description: 'share of the rows, oldest first, used for training',
    },
    {
      name: 'iterations',
      kind: 'number',
      value: 'N',
      default: 3000,
      description: 'gradient-descent iterations',
    },
  ],

  async run(options) {
    const data = stringOption(options, 'data')!;
    const out = stringOption(options, 'out') ?? DEFAULT_OUT;
    const trainShare = numberOption(options, 'train-share') ?? 0.7;
    const iterations = numberOption(options, 'iterations') ?? 3000;
    if (!(trainShare > 0 && trainShare < 1)) {
      throw new UsageError(
        `train-model: --train-share must be between 0 and 1 (exclusive), got ${trainShare}`,
      );
    }
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new UsageError(
        `train-model: --iterations must be a positive integer, got ${iterations}`,
      );
    }
    if (!out.toLowerCase().endsWith('.onnx'))
      throw new UsageError(`train-model: --out must end in .onnx, got "${out}"`);
    const config = loadStrategyCommandConfig(stringOption(options, 'config'));
    const symbol = stringOption(options, 'symbol') ?? config.strategy.symbols[0]!;

    const rows: FeatureRow[] = [];
    let slots: number[] | null = null;
    let midSlot = 0;
    const summary = await recordingFeatures({
      path: data,
      symbol,
      params: config.strategy.params,
      onRow: (features) => {
        if (slots === null) {
          slots = MODEL_FEATURES.map((name) => features.slot(name));
          midSlot = features.slot('mid');
        }
        const values = new Float64Array(slots.length);
        slots.forEach((slot, j) => (values[j] = features.values[slot]!));
        rows.push({ mid: features.values[midSlot]!, values });
      },
    });
    for (const bad of summary.malformed)
      console.error(`${data}:${bad.lineNo}: skipped: ${bad.reason}`);
    if (rows.length === 0) {
      throw new Error(
        `${data} has no book update for ${symbol} with both sides present; check --symbol`,
      );
    }

    const set = buildTrainingSet(rows, trainShare);
    const fit = fitLogistic(set.trainX, set.trainY, { iterations });
    const meta: LogRegSidecar = {
      format: LOGREG_FORMAT,
      feature_names: [...MODEL_FEATURES],
      weights: fit.weights,
      bias: fit.bias,
      normalisation: { mean: set.mean, std: set.std },
      label: 'P(the next different mid is higher than this one), from features at a book update',
      train_rows: set.trainY.length,
      test_rows: set.testY.length,
      train_accuracy: accuracy(fit, set.trainX, set.trainY),
      out_of_sample_accuracy: accuracy(fit, set.testX, set.testY),
      baseline_accuracy: majorityBaseline(set.testY),
      trained_on: `${path.basename(data)} (${symbol}, ${summary.rows} book updates, first ${Math.round(trainShare * 100)}% by time for training)`,
    };

    // onnx-proto is a development dependency: loaded only when a model is being written.
    const { logRegOnnxBytes } = await import('../engine/strategy/training/onnx-logreg.js');
    const bytes = logRegOnnxBytes({
      weights: meta.weights,
      bias: meta.bias,
      featureNames: meta.feature_names,
    });
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writeFileSync(out, bytes);
    writeFileSync(sidecarPathFor(out), JSON.stringify(meta, null, 2) + '\n');
    console.log(
      `train-model: ${meta.train_rows} training rows, ${meta.test_rows} test rows (later in time); ` +
        `accuracy train ${meta.train_accuracy.toFixed(4)}, out of sample ${meta.out_of_sample_accuracy.toFixed(4)} ` +
        `(majority baseline ${meta.baseline_accuracy.toFixed(4)}) -> ${out}, ${sidecarPathFor(out)}`,
    );
    return 0;
  },
};
