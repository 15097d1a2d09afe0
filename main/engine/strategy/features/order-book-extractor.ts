import type { StrategyParams } from '../../../../shared/config.js';
import { FIXED_SCALE } from '../../../../shared/domain.js';
import type { MarketUpdate } from '../../../../shared/records.js';
import type { FeatureBuffer } from '../../core/feature-buffer.js';
import type { FeatureExtractor } from './feature-extractor.js';

const ORDER_BOOK_FEATURES = ['book_pressure', 'bid_depth', 'ask_depth', 'spread'] as const;

/**
 * Order-book shape features of the newest book update, read from the market record's
 * level arrays (the feature window keeps only the top of book):
 *
 *   bid_depth, ask_depth  summed quantity (base units) of the best `depth_levels` levels
 *                         of each side — the B and A of the imbalance.
 *   spread                best_ask − best_bid in quote units.
 *   book_pressure         distance-weighted depth difference over EVERY level the record
 *                         carries (up to MAX_LEVELS a side), normalised to [−1, 1]:
 *                           w_k = 1 / (1 + dist_k),  dist_k = |price_k − mid| / mid · 1e4 (bps)
 *                           P = (Σ w_k·bidQty_k − Σ w_k·askQty_k) / (Σ w_k·bidQty_k + Σ w_k·askQty_k)
 *                         so liquidity at the touch counts fully and liquidity 10 bps
 *                         away counts 1/11. It complements `imbalance`, which weighs the
 *                         best few levels equally and ignores the rest. 0 for an empty book.
 *
 * Stateless: each book update is complete in its record, so nothing to evict.
 */
export class OrderBookFeatureExtractor implements FeatureExtractor {
  private depthLevels: number;

  constructor(params: StrategyParams) {
    this.depthLevels = params.depth_levels;
  }

  featureNames(): readonly string[] {
    return ORDER_BOOK_FEATURES;
  }

  setParams(params: StrategyParams): void {
    this.depthLevels = params.depth_levels;
  }

  reset(): void {}

  onTrade(): void {}

  extract(_buffer: FeatureBuffer, book: MarketUpdate, out: Float64Array, at: number): void {
    const bidCount = book.bidCount;
    const askCount = book.askCount;
    const bestBid = bidCount > 0 ? book.bidPrice(0) : 0;
    const bestAsk = askCount > 0 ? book.askPrice(0) : 0;
    const mid = (bestBid + bestAsk) / 2;

    let bidDepth = 0;
    let askDepth = 0;
    let bidPressure = 0;
    let askPressure = 0;
    for (let i = 0; i < bidCount; i++) {
      const qty = book.bidQty(i);
      if (i < this.depthLevels) bidDepth += qty;
      const distBps = (Math.abs(mid - book.bidPrice(i)) / mid) * 1e4;
      bidPressure += qty / (1 + distBps);
    }
    for (let i = 0; i < askCount; i++) {
      const qty = book.askQty(i);
      if (i < this.depthLevels) askDepth += qty;
      const distBps = (Math.abs(book.askPrice(i) - mid) / mid) * 1e4;
      askPressure += qty / (1 + distBps);
    }
    const pressureTotal = bidPressure + askPressure;
    out[at] = pressureTotal > 0 ? (bidPressure - askPressure) / pressureTotal : 0;
    out[at + 1] = bidDepth / FIXED_SCALE;
    out[at + 2] = askDepth / FIXED_SCALE;
    out[at + 3] = bidCount > 0 && askCount > 0 ? (bestAsk - bestBid) / FIXED_SCALE : 0;
  }
}
