import type { StrategyParams } from '../../../../shared/config.js';
import type { Price, Qty, TimestampUs } from '../../../../shared/domain.js';
import type { MarketUpdate } from '../../../../shared/records.js';
import type { FeatureBuffer } from '../../core/feature-buffer.js';

/**
 * One family of features. Extractors are composed into a FeatureSet, which gives each a
 * run of slots in the FeatureVector (`at` .. `at + featureNames().length - 1`).
 *
 * Contract for every implementation: `extract` and `onTrade` never allocate, so they can
 * run on every tick of the strategy thread.
 */
export interface FeatureExtractor {
  /** The names of the slots this extractor fills, in slot order; constant for its lifetime. */
  featureNames(): readonly string[];
  /**
   * A book update: the snapshot is already the newest entry (i = 0) of `buffer`, and the
   * book record it came from is `book` (for level data the buffer does not keep).
   * Writes this extractor's features into `out[at ..]`.
   */
  extract(buffer: FeatureBuffer, book: MarketUpdate, out: Float64Array, at: number): void;
  /** A trade print (prices/quantities in 1e-8 units). Extractors that ignore trades do nothing. */
  onTrade(tsUs: TimestampUs, price: Price, qty: Qty, isBuyerMaker: boolean): void;
  /** Live parameter change, applied between two ticks. */
  setParams(params: StrategyParams): void;
  /** Forgets all history (a resync, a new replay). */
  reset(): void;
}
