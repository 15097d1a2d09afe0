import type { StrategyParams } from '../../../../shared/config.js';
import type { MarketUpdate } from '../../../../shared/records.js';
import { FeatureColumn, type FeatureBuffer } from '../../core/feature-buffer.js';
import type { FeatureExtractor } from './feature-extractor.js';

const MICROSTRUCTURE_FEATURES = [
  'mid',
  'spread_bps',
  'imbalance',
  'weighted_imbalance',
  'volatility',
  'momentum',
] as const;

/** Full recomputation this often bounds the rounding drift of the running sums. */
const RECOMPUTE_EVERY_TICKS = 4096;

/**
 * The microstructure features of DESIGN.md §5, exactly:
 *   mid, spread_bps, imbalance        of the newest snapshot (see book-snapshot.ts)
 *   weighted_imbalance = Σ d^i I_i / Σ d^i over the window, d = imbalance_decay
 *   r_i = ln(mid_i / mid_{i+1}), the n − 1 log returns of the n mids in the window
 *   volatility = sqrt(Σ r_i² / (n − 1)), 0 with fewer than 2 mids
 *   momentum   = Σ α^i r_i, α = momentum_decay (0 with fewer than 2 mids)
 * The window is the snapshots whose ts lies within feature_window_ms of the newest
 * (ts ≥ newest − window, inclusive), i = 0 the newest. It is also capped at the
 * buffer's capacity − 1 entries, because the oldest slot of a full ring is overwritten
 * by the push before it could be evicted from the sums.
 *
 * Incremental: a new snapshot shifts every weight one power, so the decayed sums become
 * `x_0 + d · sum`; snapshots leaving the window subtract their own term d^i x_i. Each tick
 * costs O(1 + entries evicted), amortised O(1) whatever the window length. A change of
 * either decay or of the window length (live edit), or a buffer that no longer matches
 * what was summed, triggers a full O(n) recomputation on the next tick; so does every
 * RECOMPUTE_EVERY_TICKS-th tick, to keep rounding drift bounded.
 *
 * Must see every push of its buffer (StrategyCore calls it on every book update).
 */
export class MicrostructureExtractor implements FeatureExtractor {
  private imbalanceDecay: number;
  private momentumDecay: number;
  private windowUs: number;
  /** Entries in the window after the last extract. */
  private count = 0;
  /** Σ d^i I_i over the window. */
  private decayedImbalance = 0;
  /** Σ α^i r_i over the window's returns. */
  private decayedReturns = 0;
  /** Σ r_i² over the window's returns. */
  private squaredReturns = 0;
  /**
   * Non-zero returns in the window. When it drops to 0 (the mid sat still for a whole
   * window, common in a quiet book) the return sums are exactly 0, not a subtraction
   * residue of 1e-22.
   */
  private movingReturns = 0;
  private dirty = true;
  private ticksSinceRecompute = 0;

  constructor(params: StrategyParams) {
    this.imbalanceDecay = params.imbalance_decay;
    this.momentumDecay = params.momentum_decay;
    this.windowUs = params.feature_window_ms * 1000;
  }

  featureNames(): readonly string[] {
    return MICROSTRUCTURE_FEATURES;
  }

  setParams(params: StrategyParams): void {
    const windowUs = params.feature_window_ms * 1000;
    if (
      params.imbalance_decay !== this.imbalanceDecay ||
      params.momentum_decay !== this.momentumDecay ||
      windowUs !== this.windowUs
    ) {
      this.imbalanceDecay = params.imbalance_decay;
      this.momentumDecay = params.momentum_decay;
      this.windowUs = windowUs;
      this.dirty = true;
    }
  }

  reset(): void {
    this.count = 0;
    this.decayedImbalance = 0;
    this.decayedReturns = 0;
    this.squaredReturns = 0;
    this.movingReturns = 0;
    this.dirty = true;
  }

  onTrade(): void {
    // Trades are not book updates: they add nothing to this window.
  }

  extract(buffer: FeatureBuffer, _book: MarketUpdate, out: Float64Array, at: number): void {
    const size = buffer.size;
    if (size === 0) throw new Error('MicrostructureExtractor.extract: the feature buffer is empty');
    const newestTs = buffer.get(FeatureColumn.TS_US, 0);
    let target = buffer.window(newestTs - this.windowUs);
    if (target > buffer.capacity - 1) target = Math.max(1, buffer.capacity - 1);

    // The previous window, shifted by the push, must still be in the buffer.
    if (
      this.dirty ||
      this.count + 1 > size ||
      ++this.ticksSinceRecompute >= RECOMPUTE_EVERY_TICKS
    ) {
      this.recompute(buffer, target);
    } else {
      this.advance(buffer, target);
    }

    const n = this.count;
    const d = this.imbalanceDecay;
    const weightSum = d === 1 ? n : (1 - Math.pow(d, n)) / (1 - d);
    const mids = buffer.column(FeatureColumn.MID);
    const newest = buffer.physicalIndex(0);
    out[at] = mids[newest]!;
    out[at + 1] = buffer.column(FeatureColumn.SPREAD_BPS)[newest]!;
    out[at + 2] = buffer.column(FeatureColumn.IMBALANCE)[newest]!;
    out[at + 3] = this.decayedImbalance / weightSum;
    out[at + 4] = n >= 2 ? Math.sqrt(Math.max(0, this.squaredReturns) / (n - 1)) : 0;
    out[at + 5] = n >= 2 ? this.decayedReturns : 0;
  }

  /** O(1 + evicted): fold the newest entry in, then drop entries past the window. */
  private advance(buffer: FeatureBuffer, target: number): void {
    const mids = buffer.column(FeatureColumn.MID);
    const imbalances = buffer.column(FeatureColumn.IMBALANCE);
    const d = this.imbalanceDecay;
    const alpha = this.momentumDecay;
    let m = this.count + 1;
    this.decayedImbalance = imbalances[buffer.physicalIndex(0)]! + d * this.decayedImbalance;
    if (m >= 2) {
      const r = Math.log(mids[buffer.physicalIndex(0)]! / mids[buffer.physicalIndex(1)]!);
      this.decayedReturns = r + alpha * this.decayedReturns;
      this.squaredReturns += r * r;
      if (r !== 0) this.movingReturns++;
    }
    while (m > target) {
      const oldest = m - 1;
      this.decayedImbalance -= Math.pow(d, oldest) * imbalances[buffer.physicalIndex(oldest)]!;
      if (oldest >= 1) {
        // The return between the two oldest entries leaves with the oldest mid.
        const r = Math.log(
          mids[buffer.physicalIndex(oldest - 1)]! / mids[buffer.physicalIndex(oldest)]!,
        );
        this.decayedReturns -= Math.pow(alpha, oldest - 1) * r;
        this.squaredReturns -= r * r;
        if (r !== 0) this.movingReturns--;
      }
      m--;
    }
    if (this.movingReturns === 0) {
      this.decayedReturns = 0;
      this.squaredReturns = 0;
    }
    if (m === 1) {
      // One snapshot left: the sums are known exactly, drop any rounding residue.
      this.decayedImbalance = imbalances[buffer.physicalIndex(0)]!;
      this.decayedReturns = 0;
      this.squaredReturns = 0;
      this.movingReturns = 0;
    }
    this.count = m;
  }

  /** O(n): Horner sums over the window, oldest first. */
  private recompute(buffer: FeatureBuffer, target: number): void {
    const mids = buffer.column(FeatureColumn.MID);
    const imbalances = buffer.column(FeatureColumn.IMBALANCE);
    const d = this.imbalanceDecay;
    const alpha = this.momentumDecay;
    let decayedImbalance = 0;
    let decayedReturns = 0;
    let squaredReturns = 0;
    let movingReturns = 0;
    for (let i = target - 1; i >= 0; i--) {
      decayedImbalance = decayedImbalance * d + imbalances[buffer.physicalIndex(i)]!;
      if (i <= target - 2) {
        const r = Math.log(mids[buffer.physicalIndex(i)]! / mids[buffer.physicalIndex(i + 1)]!);
        decayedReturns = decayedReturns * alpha + r;
        squaredReturns += r * r;
        if (r !== 0) movingReturns++;
      }
    }
    this.movingReturns = movingReturns;
    this.decayedImbalance = decayedImbalance;
    this.decayedReturns = decayedReturns;
    this.squaredReturns = squaredReturns;
    this.count = target;
    this.dirty = false;
    this.ticksSinceRecompute = 0;
  }
}
