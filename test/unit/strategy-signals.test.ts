import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureVector } from '../../main/engine/strategy/features/feature-vector.js';
import {
  ImbalanceSignalGenerator,
  imbalanceConfidence,
} from '../../main/engine/strategy/signals/imbalance-signal.js';
import { DEFAULT_STRATEGY_PARAMS, validateConfig } from '../../shared/config.js';
import { signalReason } from '../../main/engine/strategy/signal-reason.js';
import {
  holdingPeriodMs,
  SignalKind,
  strengthAboveThreshold,
} from '../../main/engine/strategy/signals/signal-generator.js';
import { params } from './strategy-fixtures.js';

function vector(imbalance: number, momentum: number, volatility: number): FeatureVector {
  const v = new FeatureVector(['mid', 'imbalance', 'volatility', 'momentum']);
  v.values[v.slot('imbalance')] = imbalance;
  v.values[v.slot('momentum')] = momentum;
  v.values[v.slot('volatility')] = volatility;
  return v;
}

test('imbalance signal: below the threshold there is no signal', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ imbalance_threshold: 0.3 }),
  );
  for (const imbalance of [0, 0.29, -0.2999, NaN]) {
    const result = generator.generate(vector(imbalance, 0.02, 0.001));
    assert.equal(result.kind, SignalKind.NONE, `I = ${imbalance}`);
    assert.equal(result.strength, 0);
  }
});

test('imbalance signal: strength is 0 at the threshold and ±1 at full imbalance', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ imbalance_threshold: 0.3, min_confidence: 0 }),
  );
  const at = generator.generate(vector(0.3, 0.02, 0.001));
  assert.equal(at.kind, SignalKind.FIRED);
  assert.equal(at.strength, 0);
  assert.equal(generator.generate(vector(1, 0.02, 0.001)).strength, 1);
  assert.equal(generator.generate(vector(-1, 0.02, 0.001)).strength, -1);
  // Halfway between θ and 1: (0.65 − 0.3) / 0.7 = 0.5, signed.
  assert.ok(Math.abs(generator.generate(vector(-0.65, 0.02, 0.001)).strength + 0.5) < 1e-15);
  assert.equal(strengthAboveThreshold(0.3, 0.3), 0);
});

/** The seed's own confidence scales: a 1 % momentum, volatility 0.01 with its 0.001 floor. */
const SEED_SCALES = { momentum_scale: 0.01, volatility_scale: 0.01 } as const;

test('imbalance signal: confidence formula, suppressed below min_confidence, fired at or above', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ ...SEED_SCALES, imbalance_threshold: 0.3, min_confidence: 0.7 }),
  );
  // |momentum| 0.004 → 0.4; volatility 0.02 → 0.01/0.02 = 0.5; confidence 0.45.
  const weak = generator.generate(vector(0.8, -0.004, 0.02));
  assert.equal(weak.kind, SignalKind.SUPPRESSED);
  assert.ok(Math.abs(weak.confidence - 0.45) < 1e-15);
  assert.ok(weak.strength > 0, 'a suppressed signal still says which way');
  // |momentum| 0.02 → 1 (capped); volatility 0.0001 → max(·, 0.001) → 1; confidence 1.
  const strong = generator.generate(vector(0.8, 0.02, 0.0001));
  assert.equal(strong.kind, SignalKind.FIRED);
  assert.equal(strong.confidence, 1);
  // Exactly at min_confidence fires: momentum 0.004 → 0.4, volatility 0.01 → 1; (0.4+1)/2 = 0.7.
  const edge = generator.generate(vector(0.8, 0.004, 0.01));
  assert.ok(Math.abs(edge.confidence - 0.7) < 1e-15);
  generator.setParams(
    params({ ...SEED_SCALES, imbalance_threshold: 0.3, min_confidence: edge.confidence }),
  );
  assert.equal(generator.generate(vector(0.8, 0.004, 0.01)).kind, SignalKind.FIRED);
});

test('imbalance signal: holding period is clamp(1000/|I|, 100, 10000)', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ imbalance_threshold: 0.05, min_confidence: 0 }),
  );
  assert.equal(generator.generate(vector(1, 0, 0)).holdingPeriodMs, 1000);
  assert.equal(generator.generate(vector(-0.5, 0, 0)).holdingPeriodMs, 2000);
  assert.equal(
    generator.generate(vector(0.1, 0, 0)).holdingPeriodMs,
    10_000,
    'exactly the upper edge',
  );
  assert.equal(generator.generate(vector(0.06, 0, 0)).holdingPeriodMs, 10_000, 'clamped at 10000');
  // |I| ≤ 1 never reaches the lower clamp; the shared helper (used by the ML signal) does.
  assert.equal(holdingPeriodMs(10), 100, 'exactly the lower edge');
  assert.equal(holdingPeriodMs(20), 100, 'clamped at 100');
  assert.equal(holdingPeriodMs(0), 10_000, 'zero does not divide into Infinity');
});

test('imbalance signal: live parameter change moves the threshold', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ imbalance_threshold: 0.3, min_confidence: 0 }),
  );
  assert.equal(generator.generate(vector(0.4, 0, 0)).kind, SignalKind.FIRED);
  generator.setParams(params({ imbalance_threshold: 0.5, min_confidence: 0 }));
  assert.equal(generator.generate(vector(0.4, 0, 0)).kind, SignalKind.NONE);
  assert.equal(generator.strategyId, 'imbalance_v1');
});

test('imbalance signal: momentum_scale and volatility_scale set the confidence, live', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ imbalance_threshold: 0.3, min_confidence: 0.7, ...SEED_SCALES }),
  );
  // 100 ms data: momentum 5e-6, volatility 2e-5. With the seed's scales the momentum half
  // is 0.0005 and the calm half 1: confidence 0.50025, suppressed, as the seed behaves.
  const seed = generator.generate(vector(0.8, 5e-6, 2e-5));
  assert.equal(seed.kind, SignalKind.SUPPRESSED);
  assert.ok(Math.abs(seed.confidence - 0.50025) < 1e-12, String(seed.confidence));
  // Scales of the data's size: momentum half min(5e-6 / 1e-6, 1) = 1, calm half
  // 1e-5 / 2e-5 = 0.5: confidence 0.75, fired.
  generator.setParams(
    params({
      imbalance_threshold: 0.3,
      min_confidence: 0.7,
      momentum_scale: 1e-6,
      volatility_scale: 1e-5,
    }),
  );
  const scaled = generator.generate(vector(0.8, 5e-6, 2e-5));
  assert.equal(scaled.kind, SignalKind.FIRED);
  assert.ok(Math.abs(scaled.confidence - 0.75) < 1e-12, String(scaled.confidence));
  // The floor is volatility_scale / 10: zero volatility gives a full calm half, not Infinity.
  assert.equal(imbalanceConfidence(0, 0, 1e-6, 1e-5), 0.5);
  // Below 0.5 only when volatility exceeds the scale: 4 × v → calm half 0.25.
  assert.equal(imbalanceConfidence(0, 4e-5, 1e-6, 1e-5), 0.125);
});

test('the default scales are the measured ones, and the seed values still load', () => {
  assert.equal(DEFAULT_STRATEGY_PARAMS.momentum_scale, 1e-6);
  assert.equal(DEFAULT_STRATEGY_PARAMS.volatility_scale, 1e-5);
  const seed = validateConfig({ strategy: { params: { ...SEED_SCALES, min_confidence: 0.7 } } });
  assert.equal(seed.strategy.params.momentum_scale, 0.01);
  assert.equal(seed.strategy.params.volatility_scale, 0.01);
  assert.throws(
    () => validateConfig({ strategy: { params: { momentum_scale: 0 } } }),
    /strategy\.params\.momentum_scale must be a number with 0 < momentum_scale ≤ 1; got 0/,
  );
  assert.throws(
    () => validateConfig({ strategy: { params: { volatility_scale: 2 } } }),
    /strategy\.params\.volatility_scale/,
  );
});

test('a signal that was not traded says why, in the trader’s words', () => {
  const signal = { suppressed: true, confidence: 0.5, rejectReason: null };
  assert.equal(signalReason(signal, 0.7), 'confidence 0.50 < min_confidence 0.70');
  assert.equal(
    signalReason({ ...signal, confidence: 0.6962 }, 0.7),
    'confidence 0.696 < min_confidence 0.700',
    'never "0.70 < 0.70"',
  );
  const fired = { suppressed: false, confidence: 0.9 };
  assert.equal(signalReason({ ...fired, rejectReason: 'reducing_only' }, 0.7), 'reduce only');
  assert.equal(signalReason({ ...fired, rejectReason: 'kill_switch' }, 0.7), 'halted');
  assert.equal(signalReason({ ...fired, rejectReason: 'position_limit' }, 0.7), 'position limit');
  assert.equal(signalReason({ ...fired, rejectReason: null }, 0.7), undefined);
});
