import { MAX_LEVELS, type MarketUpdate } from '../../../shared/records.js';

/**
 * The broker's copy of one symbol's top-20 book, as the last BOOK record showed it, plus
 * what our own taker fills have taken from each level since that record. The recorded
 * market never sees our orders, so without the `taken` counts two market orders between
 * the same two ticks would both fill against the same displayed quantity; the next book
 * record shows the market's view again and resets them (no lasting market impact, the
 * usual backtest assumption).
 */
export class BrokerBook {
  readonly bidPx = new Float64Array(MAX_LEVELS);
  readonly bidQty = new Float64Array(MAX_LEVELS);
  readonly askPx = new Float64Array(MAX_LEVELS);
  readonly askQty = new Float64Array(MAX_LEVELS);
  readonly bidTaken = new Float64Array(MAX_LEVELS);
  readonly askTaken = new Float64Array(MAX_LEVELS);
  bidCount = 0;
  askCount = 0;
  synced = false;
  hasBook = false;
  seq = -1;
  tsUs = 0;

  /** Copies a BOOK record (levels best first). */
  load(update: MarketUpdate): void {
    const bids = Math.min(MAX_LEVELS, Math.max(0, update.bidCount | 0));
    const asks = Math.min(MAX_LEVELS, Math.max(0, update.askCount | 0));
    for (let i = 0; i < bids; i++) {
      this.bidPx[i] = update.bidPrice(i);
      this.bidQty[i] = update.bidQty(i);
    }
    for (let i = 0; i < asks; i++) {
      this.askPx[i] = update.askPrice(i);
      this.askQty[i] = update.askQty(i);
    }
    this.bidTaken.fill(0);
    this.askTaken.fill(0);
    this.bidCount = bids;
    this.askCount = asks;
    this.synced = update.synced;
    this.hasBook = true;
    this.seq = update.seq;
    this.tsUs = update.tsUs;
  }

  /** Best displayed price on a side (`side` of the RESTING liquidity: +1 bids, -1 asks); NaN if empty. */
  best(side: number): number {
    if (side > 0) return this.bidCount > 0 ? this.bidPx[0]! : NaN;
    return this.askCount > 0 ? this.askPx[0]! : NaN;
  }

  /** Best price on a side that still has quantity after our own taking; NaN if none. */
  bestAvailable(side: number): number {
    const px = side > 0 ? this.bidPx : this.askPx;
    const qty = side > 0 ? this.bidQty : this.askQty;
    const taken = side > 0 ? this.bidTaken : this.askTaken;
    const count = side > 0 ? this.bidCount : this.askCount;
    for (let i = 0; i < count; i++) if (qty[i]! - taken[i]! > 0) return px[i]!;
    return NaN;
  }

  /**
   * Whether the book shows the level at `price` on `side`: inside the 20 levels sent, or
   * anywhere when fewer than 20 were sent (then the side is complete).
   */
  shows(side: number, price: number): boolean {
    const count = side > 0 ? this.bidCount : this.askCount;
    if (count < MAX_LEVELS) return true;
    const worst = side > 0 ? this.bidPx[count - 1]! : this.askPx[count - 1]!;
    return side > 0 ? price >= worst : price <= worst;
  }

  /** Displayed quantity at `price` on `side` (0 when the level is absent). */
  displayedAt(side: number, price: number): number {
    const px = side > 0 ? this.bidPx : this.askPx;
    const qty = side > 0 ? this.bidQty : this.askQty;
    const count = side > 0 ? this.bidCount : this.askCount;
    for (let i = 0; i < count; i++) if (px[i] === price) return qty[i]!;
    return 0;
  }

  /**
   * Quantity a taker on `takerSide` (+1 buy: takes asks) could take now at prices no worse
   * than `limit` (Infinity / -Infinity for no limit).
   */
  available(takerSide: number, limit: number): number {
    const px = takerSide > 0 ? this.askPx : this.bidPx;
    const qty = takerSide > 0 ? this.askQty : this.bidQty;
    const taken = takerSide > 0 ? this.askTaken : this.bidTaken;
    const count = takerSide > 0 ? this.askCount : this.bidCount;
    let total = 0;
    for (let i = 0; i < count; i++) {
      if (takerSide > 0 ? px[i]! > limit : px[i]! < limit) break;
      total += qty[i]! - taken[i]!;
    }
    return total;
  }

  mid(): number {
    if (this.bidCount === 0 || this.askCount === 0) return NaN;
    return (this.bidPx[0]! + this.askPx[0]!) / 2;
  }
}
