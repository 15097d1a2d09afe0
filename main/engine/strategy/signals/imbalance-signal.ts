import type { StrategyParams } from '../../../../shared/config.js';
import type { FeatureVector } from '../features/feature-vector.js';
import {
  holdingPeriodMs,
  SignalKind,
  SignalResult,
  strengthAboveThreshold,
  type SignalGenerator,
} from './signal-generator.js';

/**
 * The seed's imbalance strategy with DESIGN.md §5's strength fix:
 *   |I| < θ                → no signal                        (θ = imbalance_threshold)
 *   strength   = sign(I) · min(1, (|I| − θ) / (1 − θ))       0 at θ, ±1 at |I| = 1
 *   confidence = (min(|momentum| / m, 1) + min(v / max(volatility, v / 10), 1)) / 2
 *                m = momentum_scale, v = volatility_scale (the seed's: 0.01 and 0.01)
 *   confidence < min_confidence → suppressed (counted, shown, not traded)
 *   holding_period_ms = clamp(1000 / |I|, 100, 10000)
 *
 * `I` is the CURRENT tick's imbalance (the `imbalance` feature), not weighted_imbalance:
 * the design names I, and the decayed average would lag the book it trades against.
 */
export class ImbalanceSignalGenerator implements SignalGenerator {
  private threshold: number;
  private minConfidence: number;
  private momentumScale: number;
  private volatilityScale: number;
  private readonly result = new SignalResult();
  private slots: { imbalance: number; momentum: number; volatility: number } | null = null;
  private slotsFor: readonly string[] | null = null;

  constructor(
    readonly strategyId: string,
    params: StrategyParams,
  ) {
    this.threshold = params.imbalance_threshold;
    this.minConfidence = params.min_confidence;
    this.momentumScale = params.momentum_scale;
    this.volatilityScale = params.volatility_scale;
  }

  setParams(params: StrategyParams): void {
    this.threshold = params.imbalance_threshold;
    this.minConfidence = params.min_confidence;
    this.momentumScale = params.momentum_scale;
    this.volatilityScale = params.volatility_scale;
  }

  generate(features: FeatureVector): SignalResult {
    const slots = this.slotsOf(features);
    const values = features.values;
    const imbalance = values[slots.imbalance]!;
    const result = this.result;
    if (!(Math.abs(imbalance) >= this.threshold)) return result.setNone();
    const momentum = values[slots.momentum]!;
    const volatility = values[slots.volatility]!;
    result.strength = strengthAboveThreshold(imbalance, this.threshold);
    result.confidence = imbalanceConfidence(
      momentum,
      volatility,
      this.momentumScale,
      this.volatilityScale,
    );
    result.holdingPeriodMs = holdingPeriodMs(imbalance);
    result.kind = result.confidence < this.minConfidence ? SignalKind.SUPPRESSED : SignalKind.FIRED;
    return result;
  }

  /** Slot lookup by name once per vector layout, then plain indexes on every tick. */
  private slotsOf(features: FeatureVector): {
    imbalance: number;
    momentum: number;
    volatility: number;
  } {
    if (this.slots === null || this.slotsFor !== features.names) {
      this.slots = {
        imbalance: features.slot('imbalance'),
        momentum: features.slot('momentum'),
        volatility: features.slot('volatility'),
      };
      this.slotsFor = features.names;
    }
    return this.slots;
  }
}

/**
 * DESIGN.md §5's confidence: half momentum (full at |momentum| = m), half calm (full while
 * volatility ≤ v, falling as v / volatility above it; the floor v / 10 only keeps a zero
 * volatility from dividing by zero). In [0, 1]; below 0.5 only when volatility exceeds v.
 */
export function imbalanceConfidence(
  momentum: number,
  volatility: number,
  momentumScale: number,
  volatilityScale: number,
): number {
  return (
    (Math.min(Math.abs(momentum) / momentumScale, 1) +
      Math.min(volatilityScale / Math.max(volatility, volatilityScale / 10), 1)) /
    2
  );
}
