import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrderRecord, PersistRecord } from '../../shared/records.js';
import { Rng } from '../../main/engine/core/rng.js';
import { FeatureVector } from '../../main/engine/strategy/features/feature-vector.js';
import {
  LOGREG_FORMAT,
  ModelLoadError,
  type LogRegSidecar,
} from '../../main/engine/strategy/signals/logreg-model.js';
import { loadMlSignal, MLSignalGenerator } from '../../main/engine/strategy/signals/ml-signal.js';
import { SignalKind } from '../../main/engine/strategy/signals/signal-generator.js';
import { StrategyCore } from '../../main/engine/strategy/strategy-core.js';
import { logRegOnnxBytes } from '../../main/engine/strategy/training/onnx-logreg.js';
import { bookRecord, config, params } from './strategy-fixtures.js';

const NAMES = [
  'spread_bps',
  'imbalance',
  'weighted_imbalance',
  'volatility',
  'momentum',
  'book_pressure',
  'trade_flow',
  'toxicity',
];

function sidecar(overrides: Partial<LogRegSidecar> = {}): LogRegSidecar {
  return {
    format: LOGREG_FORMAT,
    feature_names: NAMES,
    weights: [0.3, 2.5, -1.2, 0.4, 3, 0.7, -0.25, 0.9],
    bias: -0.15,
    normalisation: {
      mean: [1.5, 0, 0.05, 0.0002, 0, 0, 0.1, 0.4],
      std: [0.8, 0.5, 0.4, 0.0001, 0.0003, 0.3, 2, 0.2],
    },
    label: 'next mid move up',
    train_rows: 10,
    test_rows: 5,
    train_accuracy: 0.6,
    out_of_sample_accuracy: 0.55,
    baseline_accuracy: 0.5,
    trained_on: 'test',
    ...overrides,
  };
}

function writeModel(dir: string, meta: LogRegSidecar, onnxWidth = meta.weights.length): string {
  const path = join(dir, 'model.onnx');
  const weights = meta.weights.slice(0, onnxWidth);
  writeFileSync(
    path,
    logRegOnnxBytes({
      weights,
      bias: meta.bias,
      featureNames: meta.feature_names.slice(0, onnxWidth),
    }),
  );
  writeFileSync(join(dir, 'model.json'), JSON.stringify(meta));
  return path;
}

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strategy-ml-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

function featureVector(values: Record<string, number>): FeatureVector {
  const v = new FeatureVector(['mid', ...NAMES]);
  for (const [name, value] of Object.entries(values)) v.values[v.slot(name)] = value;
  return v;
}

/** sigmoid(w·z + b), z = (x − mean)/std with NaN → 0: computed here independently of the engine. */
function reference(meta: LogRegSidecar, x: number[]): number {
  let logit = meta.bias;
  x.forEach((value, j) => {
    const z = (value - meta.normalisation.mean[j]!) / meta.normalisation.std[j]!;
    logit += meta.weights[j]! * (Number.isNaN(z) ? 0 : z);
  });
  return 1 / (1 + Math.exp(-logit));
}

test(
  'ML signal: the model loads, infers off the tick, and matches sigmoid(w·x + b)',
  withDir(async (dir) => {
    const meta = sidecar();
    const ml = await MLSignalGenerator.load(
      writeModel(dir, meta),
      'ml_v1',
      params({ imbalance_threshold: 0.1, min_confidence: 0.5 }),
      {
        mode: 'lockstep',
        symbolCount: 1,
      },
    );
    const rng = new Rng(11);
    for (let k = 0; k < 20; k++) {
      const x = NAMES.map(
        (_, j) => meta.normalisation.mean[j]! + rng.normal() * meta.normalisation.std[j]!,
      );
      if (k === 3) x[7] = NaN; // no VPIN yet: the training mean
      const features = featureVector(Object.fromEntries(NAMES.map((n, j) => [n, x[j]!])));
      const first = ml.generate(features);
      if (k === 0)
        assert.equal(first.kind, SignalKind.NONE, 'the first tick has no earlier answer');
      await ml.idle();
      const p = ml.probabilities[0]!;
      const expected = reference(meta, x);
      assert.ok(Math.abs(p - expected) < 1e-6, `tick ${k}: onnx ${p} vs reference ${expected}`);
      // The next tick answers with this probability (one tick late, deterministic).
      const next = ml.generate(features);
      const s = 2 * p - 1;
      if (Math.abs(s) < 0.1) assert.equal(next.kind, SignalKind.NONE);
      else {
        assert.equal(next.kind, SignalKind.FIRED, `p = ${p}`);
        assert.equal(Math.sign(next.strength), Math.sign(s));
        assert.ok(Math.abs(next.confidence - Math.max(p, 1 - p)) < 1e-12);
      }
      await ml.idle();
    }
    assert.equal(ml.stats.failures, 0);
    await ml.close();
  }),
);

test(
  'ML signal: lockstep mode refuses a tick while the previous inference runs; async mode skips it',
  withDir(async (dir) => {
    const path = writeModel(dir, sidecar());
    const features = featureVector({});
    const lockstep = await MLSignalGenerator.load(path, 'ml', params(), {
      mode: 'lockstep',
      symbolCount: 1,
    });
    lockstep.generate(features);
    assert.throws(() => lockstep.generate(features), /await idle\(\) after every tick/);
    await lockstep.close();
    const live = await MLSignalGenerator.load(path, 'ml', params(), {
      mode: 'async',
      symbolCount: 1,
    });
    live.generate(features);
    assert.equal(live.generate(features).kind, SignalKind.NONE);
    assert.equal(live.stats.skippedBusy, 1);
    await live.close();
  }),
);

test(
  'ML model: missing or malformed files are refused with a sentence naming the file and the problem',
  withDir(async (dir) => {
    const p = params();
    await assert.rejects(
      MLSignalGenerator.load(join(dir, 'absent.onnx'), 'ml', p),
      (error: Error) => {
        assert.ok(error instanceof ModelLoadError);
        assert.match(error.message, /the ML model .*absent\.onnx does not exist/);
        return true;
      },
    );

    const path = writeModel(dir, sidecar());
    writeFileSync(join(dir, 'model.json'), '{ "format": ');
    await assert.rejects(MLSignalGenerator.load(path, 'ml', p), /model\.json is not valid JSON/);

    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ ...sidecar(), weights: [1, 2, 3, 4, 5, 6, 7] }),
    );
    await assert.rejects(
      MLSignalGenerator.load(path, 'ml', p),
      /model\.json is malformed: .*weights has 7 entries but there are 8 feature_names/,
    );

    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...sidecar(), format: 'other' }));
    await assert.rejects(MLSignalGenerator.load(path, 'ml', p), /model\.json is malformed: format/);

    rmSync(join(dir, 'model.json'));
    await assert.rejects(
      MLSignalGenerator.load(path, 'ml', p),
      /cannot read the model description .*model\.json/,
    );

    writeModel(dir, sidecar());
    writeFileSync(path, Buffer.from('this is not a protobuf model'));
    await assert.rejects(
      MLSignalGenerator.load(path, 'ml', p),
      /model\.onnx cannot be loaded by onnxruntime/,
    );

    writeModel(dir, sidecar(), 7); // the graph takes 7 inputs, the sidecar says 8
    await assert.rejects(
      MLSignalGenerator.load(path, 'ml', p),
      /does not accept 8 features as its sidecar says/,
    );
  }),
);

test(
  'ML fallback: a bad model logs a warning and the engine trades the imbalance strategy',
  withDir(async (dir) => {
    const logs: string[] = [];
    const log = (level: string, msg: string): void => void logs.push(`${level}: ${msg}`);
    const cfg = config({
      enable_ml: true,
      model_path: join(dir, 'missing.onnx'),
      params: { min_confidence: 0 },
    });
    const ml = await loadMlSignal(cfg, log);
    assert.equal(ml, null);
    assert.match(
      logs[0]!,
      /^warn: the ML model .*missing\.onnx does not exist; falling back to the imbalance strategy$/,
    );
    const core = new StrategyCore(cfg, {
      symbols: ['BTCUSDT'],
      nextOrderId: () => 1,
      rng: new Rng(1),
      ml,
      log,
    });
    assert.equal(core.activeGenerator, 'imbalance');
    const orderOut = new Float64Array(OrderRecord.SLOTS);
    const signalOut = new Float64Array(PersistRecord.SLOTS);
    const rec = bookRecord({ tsUs: 1, bids: [['100', '9']], asks: [['100.01', '1']] });
    assert.equal(core.onMarket(rec, 0, orderOut, signalOut), 3, 'still trading, on imbalance');

    // A model that needs a feature the strategy does not compute falls back at construction.
    const odd = writeModel(
      dir,
      sidecar({ feature_names: [...NAMES.slice(0, 7), 'not_a_feature'] }),
    );
    const needy = await MLSignalGenerator.load(odd, 'ml', cfg.strategy.params, { symbolCount: 1 });
    const core2 = new StrategyCore(cfg, {
      symbols: ['BTCUSDT'],
      nextOrderId: () => 1,
      rng: new Rng(1),
      ml: needy,
      log,
    });
    assert.equal(core2.activeGenerator, 'imbalance');
    assert.match(
      logs.at(-1)!,
      /warn: ML signal disabled: the ML model needs feature "not_a_feature"/,
    );
    await needy.close();

    // A model whose inference fails at run time (session released) falls back on the next tick.
    const good = await MLSignalGenerator.load(
      writeModel(dir, sidecar()),
      'ml',
      cfg.strategy.params,
      { symbolCount: 1 },
    );
    const core3 = new StrategyCore(cfg, {
      symbols: ['BTCUSDT'],
      nextOrderId: () => 1,
      rng: new Rng(1),
      ml: good,
      log,
    });
    assert.equal(core3.activeGenerator, 'ml');
    await good.close();
    core3.onMarket(rec, 0, orderOut, signalOut);
    await core3.idle();
    core3.onMarket(
      bookRecord({ tsUs: 2, bids: [['100', '9']], asks: [['100.01', '1']] }),
      0,
      orderOut,
      signalOut,
    );
    assert.equal(core3.activeGenerator, 'imbalance');
    assert.equal(core3.counters.mlFallbacks, 1);
    assert.match(
      logs.at(-1)!,
      /warn: ML signal disabled: .*falling back to the imbalance strategy/,
    );
  }),
);
