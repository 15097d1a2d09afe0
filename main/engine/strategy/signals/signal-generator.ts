import type { StrategyParams } from '../../../../shared/config.js';
import type { FeatureVector } from '../features/feature-vector.js';

/** What a generator concluded on one book update. */
export const SignalKind = {
  /** Nothing to say (e.g. |imbalance| below the threshold). */
  NONE: 0,
  /** A signal confident enough to trade. */
  FIRED: 1,
  /** A signal below min_confidence: counted and shown, never traded. */
  SUPPRESSED: 2,
} as const;
export type SignalKindCode = (typeof SignalKind)[keyof typeof SignalKind];

/**
 * The result object a generator reuses on every call (no allocation per tick); read it
 * before the next `generate`.
 */
export class SignalResult {
  kind: SignalKindCode = SignalKind.NONE;
  /** In [−1, 1]; its sign is the side (+ buy, − sell). */
  strength = 0;
  /** In [0, 1]. */
  confidence = 0;
  holdingPeriodMs = 0;

  setNone(): this {
    this.kind = SignalKind.NONE;
    this.strength = 0;
    this.confidence = 0;
    this.holdingPeriodMs = 0;
    return this;
  }
}

export interface SignalGenerator {
  /** The configured `strategy.strategy_id` this generator trades under. */
  readonly strategyId: string;
  /** Turns the latest features into a signal; returns its own reused SignalResult. */
  generate(features: FeatureVector): SignalResult;
  /** Live parameter change, applied between two ticks. */
  setParams(params: StrategyParams): void;
}

/** sign(x)·min(1, (|x| − θ)/(1 − θ)): 0 at the threshold, ±1 at full scale (docs/ARCHITECTURE.md §5). */
export function strengthAboveThreshold(x: number, threshold: number): number {
  const magnitude = Math.min(1, (Math.abs(x) - threshold) / (1 - threshold));
  return x < 0 ? -magnitude : magnitude;
}

/** clamp(1000 / |x|, 100, 10000) ms (docs/ARCHITECTURE.md §5). */
export function holdingPeriodMs(x: number): number {
  const ms = 1000 / Math.abs(x);
  return ms < 100 ? 100 : ms > 10_000 || !Number.isFinite(ms) ? 10_000 : ms;
}
