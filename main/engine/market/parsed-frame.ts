/**
 * The one reusable result object of the frame parser. The parser writes every frame
 * into the same instance (no allocation per message); its level arrays grow only when a
 * frame carries more levels than any frame before it. Prices and quantities are integer
 * counts of 1e-8 (shared/domain.ts), exact.
 */

export const FrameKind = {
  /** Nothing parsed yet, or the last frame was malformed. */
  NONE: 0,
  /** `depthUpdate`: U, u, optional pu, bid and ask levels. */
  DEPTH: 1,
  /** `trade`: id, price, quantity, trade time, buyer-maker flag. */
  TRADE: 2,
  /** `bookTicker`: u, best bid/ask price and quantity. */
  BOOK_TICKER: 3,
  /** A well-formed event of a type the engine does not use (aggTrade, 24hrTicker, ...). */
  IGNORED: 4,
} as const;
export type FrameKindCode = (typeof FrameKind)[keyof typeof FrameKind];

const INITIAL_LEVELS = 64;

export class ParsedFrame {
  kind: FrameKindCode = FrameKind.NONE;
  /** Index in the parser's symbol list, or -1 for a symbol it was not configured with. */
  symbolIndex = -1;
  /** `E` in ms (0 for bookTicker, which has none on spot). */
  eventTime = 0;
  /** depthUpdate `U`. */
  firstUpdateId = 0;
  /** depthUpdate / bookTicker `u`. */
  lastUpdateId = 0;
  /** depthUpdate `pu` when present (futures-style streams), else -1. */
  prevUpdateId = -1;
  bidCount = 0;
  askCount = 0;
  bidPrices: Float64Array = new Float64Array(INITIAL_LEVELS);
  bidQtys: Float64Array = new Float64Array(INITIAL_LEVELS);
  askPrices: Float64Array = new Float64Array(INITIAL_LEVELS);
  askQtys: Float64Array = new Float64Array(INITIAL_LEVELS);
  /** trade `t`. */
  tradeId = 0;
  /** trade `T` in ms. */
  tradeTime = 0;
  /** trade `p` / `q`. */
  price = 0;
  qty = 0;
  /** trade `m`: the buyer was the maker, i.e. the aggressor sold. */
  buyerMaker = false;
  /** bookTicker `b`, `B`, `a`, `A`. */
  bestBidPrice = 0;
  bestBidQty = 0;
  bestAskPrice = 0;
  bestAskQty = 0;

  /** Clears the header before a parse; level arrays are overwritten, not cleared. */
  reset(): void {
    this.kind = FrameKind.NONE;
    this.symbolIndex = -1;
    this.eventTime = 0;
    this.firstUpdateId = 0;
    this.lastUpdateId = 0;
    this.prevUpdateId = -1;
    this.bidCount = 0;
    this.askCount = 0;
    this.tradeId = 0;
    this.tradeTime = 0;
    this.price = 0;
    this.qty = 0;
    this.buyerMaker = false;
    this.bestBidPrice = 0;
    this.bestBidQty = 0;
    this.bestAskPrice = 0;
    this.bestAskQty = 0;
  }

  /** Doubles the bid arrays (a frame wider than any before). */
  growBids(): void {
    this.bidPrices = grow(this.bidPrices);
    this.bidQtys = grow(this.bidQtys);
  }

  growAsks(): void {
    this.askPrices = grow(this.askPrices);
    this.askQtys = grow(this.askQtys);
  }

  pushBid(price: number, qty: number): void {
    if (this.bidCount === this.bidPrices.length) this.growBids();
    this.bidPrices[this.bidCount] = price;
    this.bidQtys[this.bidCount] = qty;
    this.bidCount++;
  }

  pushAsk(price: number, qty: number): void {
    if (this.askCount === this.askPrices.length) this.growAsks();
    this.askPrices[this.askCount] = price;
    this.askQtys[this.askCount] = qty;
    this.askCount++;
  }
}

function grow(array: Float64Array): Float64Array {
  const next = new Float64Array(array.length * 2);
  next.set(array);
  return next;
}

/** A plain-object copy of what a frame means, for tests and diagnostics (allocates). */
export interface FrameSummary {
  readonly kind: FrameKindCode;
  readonly symbolIndex: number;
  readonly eventTime: number;
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly prevUpdateId: number;
  readonly bids: readonly (readonly [number, number])[];
  readonly asks: readonly (readonly [number, number])[];
  readonly tradeId: number;
  readonly tradeTime: number;
  readonly price: number;
  readonly qty: number;
  readonly buyerMaker: boolean;
  readonly bestBid: readonly [number, number];
  readonly bestAsk: readonly [number, number];
}

export function summarizeFrame(frame: ParsedFrame): FrameSummary {
  const bids: [number, number][] = [];
  const asks: [number, number][] = [];
  for (let i = 0; i < frame.bidCount; i++) bids.push([frame.bidPrices[i]!, frame.bidQtys[i]!]);
  for (let i = 0; i < frame.askCount; i++) asks.push([frame.askPrices[i]!, frame.askQtys[i]!]);
  return {
    kind: frame.kind,
    symbolIndex: frame.symbolIndex,
    eventTime: frame.eventTime,
    firstUpdateId: frame.firstUpdateId,
    lastUpdateId: frame.lastUpdateId,
    prevUpdateId: frame.prevUpdateId,
    bids,
    asks,
    tradeId: frame.tradeId,
    tradeTime: frame.tradeTime,
    price: frame.price,
    qty: frame.qty,
    buyerMaker: frame.buyerMaker,
    bestBid: [frame.bestBidPrice, frame.bestBidQty],
    bestAsk: [frame.bestAskPrice, frame.bestAskQty],
  };
}
