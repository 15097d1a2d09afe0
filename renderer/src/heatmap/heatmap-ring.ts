import type { BookView, TradeView } from '../../../shared/api.js';

/**
 * The heatmap's memory: one column per state update (the book's resting quantity at each
 * price level, the mid and best bid/ask, and the trades that printed since the previous
 * column), in a ring of fixed capacity, so an hour of a live market costs no more than a
 * minute. Kept apart from the canvas so the bookkeeping is testable in Node.
 */
const HEATMAP_LEVELS = 40;

export interface HeatTrade {
  readonly price: number;
  readonly qty: number;
  readonly buy: boolean;
}

export interface HeatColumn {
  tsUs: number;
  mid: number;
  bestBid: number;
  bestAsk: number;
  /** Level prices and quantities, bids then asks; `levels` of them are valid. */
  readonly prices: Float64Array;
  readonly qtys: Float64Array;
  levels: number;
  trades: HeatTrade[];
}

const newColumn = (): HeatColumn => ({
  tsUs: 0,
  mid: NaN,
  bestBid: NaN,
  bestAsk: NaN,
  prices: new Float64Array(HEATMAP_LEVELS * 2),
  qtys: new Float64Array(HEATMAP_LEVELS * 2),
  levels: 0,
  trades: [],
});

export class HeatmapRing {
  private readonly columns: HeatColumn[];
  private head = 0;
  private count = 0;
  /** Trades already drawn: the newest one's time, and how many shared that time. */
  private lastTradeUs = -Infinity;

  constructor(readonly capacity: number) {
    this.columns = Array.from({ length: capacity }, newColumn);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.lastTradeUs = -Infinity;
  }

  /** Column `i`, 0 the oldest kept, size - 1 the newest. */
  at(i: number): HeatColumn {
    return this.columns[(this.head - this.count + i + this.capacity) % this.capacity]!;
  }

  get newest(): HeatColumn | null {
    return this.count === 0 ? null : this.at(this.count - 1);
  }

  /** Appends a column for `book` at `tsUs`, reusing the slot of the oldest when full. */
  push(tsUs: number, book: BookView, trades: readonly TradeView[]): HeatColumn {
    const column = this.columns[this.head]!;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    column.tsUs = tsUs;
    let n = 0;
    for (const side of [book.bids, book.asks]) {
      for (let i = 0; i < side.length && i < HEATMAP_LEVELS; i++) {
        column.prices[n] = Number(side[i]![0]);
        column.qtys[n] = Number(side[i]![1]);
        n++;
      }
    }
    column.levels = n;
    column.bestBid = book.bids.length > 0 ? Number(book.bids[0]![0]) : NaN;
    column.bestAsk = book.asks.length > 0 ? Number(book.asks[0]![0]) : NaN;
    column.mid = book.mid ?? NaN;
    column.trades = this.newTrades(book.symbol, trades);
    return column;
  }

  /** The trades of `symbol` newer than the last column's (the state carries the last few). */
  private newTrades(symbol: string, trades: readonly TradeView[]): HeatTrade[] {
    const fresh: HeatTrade[] = [];
    let newest = this.lastTradeUs;
    for (const trade of trades) {
      if (trade.symbol !== symbol || trade.tsUs <= this.lastTradeUs) continue;
      newest = Math.max(newest, trade.tsUs);
      // The buyer is the taker unless the buyer is the maker: an aggressive buy.
      fresh.push({ price: Number(trade.price), qty: Number(trade.qty), buy: !trade.isBuyerMaker });
    }
    this.lastTradeUs = newest;
    return fresh;
  }
}

/** The price band a canvas shows: centred on a mid, re-centred when the mid nears an edge. */
export interface PriceWindow {
  readonly low: number;
  readonly high: number;
}

/** A band around the newest book, wide enough for its levels with room to move. */
export function priceWindowFor(column: HeatColumn): PriceWindow | null {
  if (column.levels === 0) return null;
  let low = Infinity;
  let high = -Infinity;
  for (let k = 0; k < column.levels; k++) {
    low = Math.min(low, column.prices[k]!);
    high = Math.max(high, column.prices[k]!);
  }
  const centre = Number.isFinite(column.mid) ? column.mid : (low + high) / 2;
  const half = Math.max(high - centre, centre - low, centre * 1e-6) * 1.25;
  return { low: centre - half, high: centre + half };
}

/** Whether the window still shows the column's mid comfortably (inside the middle 70 %). */
export function windowHolds(window: PriceWindow, column: HeatColumn): boolean {
  const mid = Number.isFinite(column.mid) ? column.mid : column.bestBid;
  if (!Number.isFinite(mid)) return true;
  const margin = (window.high - window.low) * 0.15;
  return mid > window.low + margin && mid < window.high - margin;
}
