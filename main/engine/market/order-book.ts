import { symbolSpecFor } from '../../../shared/domain.js';
import { BookSide, DEFAULT_WINDOW_TICKS } from './book-side.js';

/**
 * L2 order book of one symbol, prices and quantities in 1e-8 units (exact). Every level
 * is kept, however far from the mid; best bid/ask are O(1), the top N levels O(N). See
 * BookSide for the dense-window + sparse design.
 */
export class OrderBook {
  readonly bids: BookSide;
  readonly asks: BookSide;

  constructor(
    readonly symbol: string,
    windowTicks = DEFAULT_WINDOW_TICKS,
  ) {
    const tick = symbolSpecFor(symbol).tickSize;
    this.bids = new BookSide(true, tick, windowTicks);
    this.asks = new BookSide(false, tick, windowTicks);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  setBid(price: number, qty: number): void {
    this.bids.set(price, qty);
  }

  setAsk(price: number, qty: number): void {
    this.asks.set(price, qty);
  }

  bestBid(): number {
    return this.bids.bestPrice();
  }

  bestAsk(): number {
    return this.asks.bestPrice();
  }

  /** Best bid at or above best ask: the book cannot be right. */
  isCrossed(): boolean {
    // NaN (an empty side) compares false: a one-sided book is not crossed.
    return this.bids.best >= this.asks.best;
  }
}
