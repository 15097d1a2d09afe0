import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureVector } from '../../main/engine/strategy/features/feature-vector.js';
import { ImbalanceSignalGenerator } from '../../main/engine/strategy/signals/imbalance-signal.js';
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

test('imbalance signal: confidence formula, suppressed below min_confidence, fired at or above', () => {
  const generator = new ImbalanceSignalGenerator(
    'imbalance_v1',
    params({ imbalance_threshold: 0.3, min_confidence: 0.7 }),
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
  generator.setParams(params({ imbalance_threshold: 0.3, min_confidence: edge.confidence }));
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
