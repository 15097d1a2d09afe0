import type { Price, Qty, TimestampUs } from '../../../../shared/domain.js';
import type { StrategyParams } from '../../../../shared/config.js';
import type { MarketUpdate } from '../../../../shared/records.js';
import { FIXED_SCALE } from '../../../../shared/domain.js';
import { FeatureColumn, type FeatureBuffer } from '../../core/feature-buffer.js';
import type { FeatureExtractor } from './feature-extractor.js';

const TRADE_FEATURES = ['trade_flow', 'vwap', 'trade_volume', 'toxicity'] as const;

export interface TradeExtractorOptions {
  /** Trades remembered for the time window; older ones fall out early when it fills. */
  readonly capacity?: number;
  /** VPIN bucket size in QUOTE currency (notional), so one size suits BTC and ETH alike. */
  readonly bucketNotional?: number;
  /** VPIN averages this many completed buckets. */
  readonly bucketCount?: number;
}

const DEFAULT_TRADE_CAPACITY = 16_384;
/** ≈ 1.4 s of Binance BTCUSDT spot flow in August 2024 (13 M USDT in 6 minutes). */
const DEFAULT_VPIN_BUCKET_NOTIONAL = 50_000;
const DEFAULT_VPIN_BUCKET_COUNT = 50;

/** How often the windowed notional sum is rebuilt from the ring, bounding rounding drift. */
const RESUM_EVERY_EVICTIONS = 4096;

/**
 * Trade-print features. A trade's aggressor comes from Binance's buyer-maker flag:
 * `m = true` means the buyer was the resting maker, so the SELLER crossed the spread (an
 * aggressive sell); `m = false` is an aggressive buy.
 *
 * Over the trades whose ts lies within feature_window_ms of the newest book update
 * (the same time window as the microstructure features):
 *   trade_flow    aggressive buy volume − aggressive sell volume, base units
 *   vwap          Σ price·qty / Σ qty, quote units; NaN when the window holds no trade
 *   trade_volume  Σ qty, base units
 * Not windowed by time but by traded volume (that is the point of VPIN):
 *   toxicity      VPIN (Easley, López de Prado, O'Hara): trades fill consecutive buckets
 *                 of `bucketNotional` quote currency each (default 50,000; a trade that
 *                 overflows a bucket is split across it and the next);
 *                 VPIN = Σ |buy_k − sell_k| / (K · bucketNotional) over the last
 *                 K = `bucketCount` completed buckets (default 50; fewer at the start).
 *                 0 = balanced flow, 1 = one-sided. NaN until the first bucket completes.
 *
 * Windowed sums are running sums with eviction (O(1) amortised per trade and per tick).
 * Quantities are summed as integer 1e-8 units (exact); the notional, a float, is rebuilt
 * from the ring every RESUM_EVERY_EVICTIONS evictions to keep its rounding bounded.
 */
export class TradeFeatureExtractor implements FeatureExtractor {
  private windowUs: number;
  private readonly capacity: number;
  private readonly tsUs: Float64Array;
  private readonly price: Float64Array;
  /** Integer 1e-8 units. */
  private readonly qtyUnits: Float64Array;
  /** +1 aggressive buy, −1 aggressive sell. */
  private readonly aggressor: Float64Array;
  private head = 0;
  private count = 0;
  /** Σ price·qty, quote units (a float: the product leaves the exact-integer range). */
  private sumNotional = 0;
  /** Quantity sums in integer 1e-8 units: exact, so flow and volume carry no rounding residue. */
  private sumQtyUnits = 0;
  private sumBuyUnits = 0;
  private sumSellUnits = 0;
  private evictions = 0;

  private readonly bucketNotional: number;
  private readonly bucketCount: number;
  private readonly bucketImbalance: Float64Array;
  private bucketHead = 0;
  private bucketsCompleted = 0;
  private sumBucketImbalance = 0;
  private bucketFill = 0;
  private bucketBuy = 0;
  private bucketSell = 0;

  constructor(params: StrategyParams, options: TradeExtractorOptions = {}) {
    this.windowUs = params.feature_window_ms * 1000;
    this.capacity = options.capacity ?? DEFAULT_TRADE_CAPACITY;
    this.bucketNotional = options.bucketNotional ?? DEFAULT_VPIN_BUCKET_NOTIONAL;
    this.bucketCount = options.bucketCount ?? DEFAULT_VPIN_BUCKET_COUNT;
    if (!Number.isInteger(this.capacity) || this.capacity < 1) {
      throw new RangeError(
        `trade window capacity must be a positive integer, got ${this.capacity}`,
      );
    }
    if (!(this.bucketNotional > 0))
      throw new RangeError(`VPIN bucket notional must be > 0, got ${this.bucketNotional}`);
    if (!Number.isInteger(this.bucketCount) || this.bucketCount < 1) {
      throw new RangeError(`VPIN bucket count must be a positive integer, got ${this.bucketCount}`);
    }
    this.tsUs = new Float64Array(this.capacity);
    this.price = new Float64Array(this.capacity);
    this.qtyUnits = new Float64Array(this.capacity);
    this.aggressor = new Float64Array(this.capacity);
    this.bucketImbalance = new Float64Array(this.bucketCount);
  }

  featureNames(): readonly string[] {
    return TRADE_FEATURES;
  }

  setParams(params: StrategyParams): void {
    // A longer window cannot bring back evicted trades; it fills forward from now.
    this.windowUs = params.feature_window_ms * 1000;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.sumNotional = 0;
    this.sumQtyUnits = 0;
    this.sumBuyUnits = 0;
    this.sumSellUnits = 0;
    this.bucketHead = 0;
    this.bucketsCompleted = 0;
    this.sumBucketImbalance = 0;
    this.bucketFill = 0;
    this.bucketBuy = 0;
    this.bucketSell = 0;
  }

  onTrade(tsUs: TimestampUs, priceUnits: Price, qtyUnits: Qty, isBuyerMaker: boolean): void {
    if (!(qtyUnits > 0) || !(priceUnits > 0)) return;
    if (this.count === this.capacity) this.evictOldest();
    const price = priceUnits / FIXED_SCALE;
    const notional = price * (qtyUnits / FIXED_SCALE);
    const side = isBuyerMaker ? -1 : 1;
    const at = (this.head + this.count) % this.capacity;
    this.tsUs[at] = tsUs;
    this.price[at] = price;
    this.qtyUnits[at] = qtyUnits;
    this.aggressor[at] = side;
    this.count++;
    this.sumNotional += notional;
    this.sumQtyUnits += qtyUnits;
    if (side > 0) this.sumBuyUnits += qtyUnits;
    else this.sumSellUnits += qtyUnits;
    this.fillBuckets(notional, side);
  }

  extract(buffer: FeatureBuffer, _book: MarketUpdate, out: Float64Array, at: number): void {
    const since = buffer.get(FeatureColumn.TS_US, 0) - this.windowUs;
    while (this.count > 0 && this.tsUs[this.head]! < since) this.evictOldest();
    out[at] = (this.sumBuyUnits - this.sumSellUnits) / FIXED_SCALE;
    out[at + 1] = this.sumQtyUnits > 0 ? this.sumNotional / (this.sumQtyUnits / FIXED_SCALE) : NaN;
    out[at + 2] = this.sumQtyUnits / FIXED_SCALE;
    out[at + 3] =
      this.bucketsCompleted > 0
        ? this.sumBucketImbalance /
          (Math.min(this.bucketsCompleted, this.bucketCount) * this.bucketNotional)
        : NaN;
  }

  private evictOldest(): void {
    const i = this.head;
    const qtyUnits = this.qtyUnits[i]!;
    this.sumNotional -= this.price[i]! * (qtyUnits / FIXED_SCALE);
    this.sumQtyUnits -= qtyUnits;
    if (this.aggressor[i]! > 0) this.sumBuyUnits -= qtyUnits;
    else this.sumSellUnits -= qtyUnits;
    this.head = i + 1 === this.capacity ? 0 : i + 1;
    this.count--;
    if (this.count === 0) this.sumNotional = 0;
    else if (++this.evictions >= RESUM_EVERY_EVICTIONS) this.resumNotional();
  }

  /** Rebuilds the one float running sum; the quantity sums are exact integers already. */
  private resumNotional(): void {
    let notional = 0;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % this.capacity;
      notional += this.price[i]! * (this.qtyUnits[i]! / FIXED_SCALE);
    }
    this.sumNotional = notional;
    this.evictions = 0;
  }

  /** Pours a trade's notional into the VPIN buckets, closing each one that fills. */
  private fillBuckets(notional: number, side: number): void {
    let remaining = notional;
    while (remaining > 0) {
      const room = this.bucketNotional - this.bucketFill;
      const take = remaining < room ? remaining : room;
      if (side > 0) this.bucketBuy += take;
      else this.bucketSell += take;
      this.bucketFill += take;
      remaining -= take;
      if (take === room) this.closeBucket();
    }
  }

  private closeBucket(): void {
    const imbalance = Math.abs(this.bucketBuy - this.bucketSell);
    if (this.bucketsCompleted >= this.bucketCount)
      this.sumBucketImbalance -= this.bucketImbalance[this.bucketHead]!;
    this.bucketImbalance[this.bucketHead] = imbalance;
    this.sumBucketImbalance += imbalance;
    this.bucketHead = this.bucketHead + 1 === this.bucketCount ? 0 : this.bucketHead + 1;
    this.bucketsCompleted++;
    this.bucketFill = 0;
    this.bucketBuy = 0;
    this.bucketSell = 0;
    if (this.bucketHead === 0) {
      // Once per lap of the bucket ring, rebuild the sum so subtraction residue cannot grow.
      let sum = 0;
      const held = Math.min(this.bucketsCompleted, this.bucketCount);
      for (let k = 0; k < held; k++) sum += this.bucketImbalance[k]!;
      this.sumBucketImbalance = sum;
    }
  }
}
