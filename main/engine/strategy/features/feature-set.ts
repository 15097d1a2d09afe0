import type { StrategyParams } from '../../../../shared/config.js';
import { MarketUpdate, TradeUpdate } from '../../../../shared/records.js';
import { FeatureBuffer } from '../../core/feature-buffer.js';
import { pushBookSnapshot } from './book-snapshot.js';
import type { FeatureExtractor } from './feature-extractor.js';
import { FeatureVector } from './feature-vector.js';
import { MicrostructureExtractor } from './microstructure-extractor.js';
import { OrderBookFeatureExtractor } from './order-book-extractor.js';
import { TradeFeatureExtractor, type TradeExtractorOptions } from './trade-extractor.js';

/**
 * Snapshots one symbol's window holds at most. A depth stream at 100 ms gives 10 a
 * second, so this covers windows up to ~13 minutes of book updates; a longer window is
 * capped at this many snapshots.
 */
const DEFAULT_WINDOW_CAPACITY = 8192;

export interface FeatureSetOptions {
  readonly windowCapacity?: number;
  readonly trades?: TradeExtractorOptions;
}

/**
 * Everything that turns one symbol's market records into its FeatureVector: the feature
 * window (FeatureBuffer) and the extractors, in a fixed order — microstructure first
 * (mid, spread_bps, imbalance, weighted_imbalance, volatility, momentum), then the order
 * book (book_pressure, bid_depth, ask_depth, spread), then trades (trade_flow, vwap,
 * trade_volume, toxicity). So the first 8 slots, the ones a signal record persists, are
 * the six §5 features plus book_pressure and bid_depth.
 *
 * The strategy thread and the `features` command both use this class, so the CSV shows
 * exactly what the strategy saw.
 */
export class FeatureSet {
  readonly buffer: FeatureBuffer;
  readonly vector: FeatureVector;
  private readonly extractors: readonly FeatureExtractor[];
  private readonly offsets: Int32Array;
  private readonly bookIn = new MarketUpdate();
  private readonly tradeIn = new TradeUpdate();
  private depthLevels: number;

  constructor(params: StrategyParams, options: FeatureSetOptions = {}) {
    this.buffer = new FeatureBuffer(options.windowCapacity ?? DEFAULT_WINDOW_CAPACITY);
    this.extractors = [
      new MicrostructureExtractor(params),
      new OrderBookFeatureExtractor(params),
      new TradeFeatureExtractor(params, options.trades),
    ];
    const names: string[] = [];
    this.offsets = new Int32Array(this.extractors.length);
    this.extractors.forEach((extractor, k) => {
      this.offsets[k] = names.length;
      names.push(...extractor.featureNames());
    });
    this.vector = new FeatureVector(names);
    this.depthLevels = params.depth_levels;
  }

  /**
   * Live parameter change, between two ticks. A new depth_levels applies to snapshots from
   * now on: the window keeps each past snapshot's imbalance as it was computed, because
   * the levels behind it are gone.
   */
  setParams(params: StrategyParams): void {
    this.depthLevels = params.depth_levels;
    for (const extractor of this.extractors) extractor.setParams(params);
  }

  reset(): void {
    this.buffer.clear();
    for (const extractor of this.extractors) extractor.reset();
  }

  /**
   * A book MarketRecord at rec[off..]. Returns false (vector untouched) when a side of
   * the book is empty: no mid, no window entry, no features.
   */
  onBook(rec: Float64Array, off: number): boolean {
    const book = this.bookIn.read(rec, off);
    if (!pushBookSnapshot(this.buffer, book, this.depthLevels)) return false;
    const values = this.vector.values;
    for (let k = 0; k < this.extractors.length; k++) {
      this.extractors[k]!.extract(this.buffer, book, values, this.offsets[k]!);
    }
    this.vector.tsUs = book.tsUs;
    this.vector.updateId = book.updateId;
    return true;
  }

  /** A trade MarketRecord at rec[off..]. */
  onTrade(rec: Float64Array, off: number): void {
    const trade = this.tradeIn.read(rec, off);
    const tsUs = trade.tsUs;
    const price = trade.price;
    const qty = trade.qty;
    const isBuyerMaker = trade.isBuyerMaker;
    for (let k = 0; k < this.extractors.length; k++)
      this.extractors[k]!.onTrade(tsUs, price, qty, isBuyerMaker);
  }
}
